# SPDX-License-Identifier: MIT
# Lookups/s against reader threads, one panel per map size, one line per
# implementation and update rate, on a log scale: under the rwlock an
# updater at 100,000/s takes the table from its reader almost entirely
# (bench/results/map-lookups.csv; variables datafile, outfile, keys and
# rates from site_scons/rcuslot_bench.py).
set terminal pngcairo size 1500,480 font ",10" noenhanced
set output outfile
set datafile separator ","
set key bottom left font ",8"
set grid ytics
set logscale y
set format y "%.0s%c"
set xlabel "reader threads"
set ylabel "lookups/s, all readers (higher is better)"
set xtics 1
nk = words(keys)
set multiplot layout 1, nk title "RCU_MAP_DEFINE, rculfhash by hand and GLib + rwlock: lookups/s (1 updater at 0, 1,000 or 100,000 updates/s)"
impls = "rcuslot-map raw-rculfhash glib-rwlock"
do for [k = 1:nk] {
	set title sprintf("%s keys", word(keys, k))
	plot for [i = 1:3] for [u = 1:words(rates)] datafile using \
		((stringcolumn(1) eq word(keys, k) && stringcolumn(4) eq word(impls, i) && \
		  stringcolumn(3) eq word(rates, u)) ? $2 : 1/0):5 \
		with points pt (4 + 2 * u) ps 1.3 lc i \
		title sprintf("%s, %s upd/s", word(impls, i), word(rates, u))
}
unset multiplot
