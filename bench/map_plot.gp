# Lookups/s against reader threads, one panel per map size, one line per
# implementation and update rate (bench/results/map-lookups.csv; variables
# datafile, outfile, keys and rates from site_scons/rcuslot_bench.py).
set terminal pngcairo size 1500,480 font ",10"
set output outfile
set datafile separator ","
set key top left font ",8"
set logscale y
set grid ytics
set xlabel "reader threads"
set ylabel "lookups/s (all readers)"
set xtics 1
nk = words(keys)
set multiplot layout 1, nk title "RCU_MAP_DEFINE, rculfhash by hand and GLib + rwlock: lookups/s"
impls = "rcuslot-map raw-rculfhash glib-rwlock"
do for [k = 1:nk] {
	set title sprintf("%s keys", word(keys, k))
	plot for [i = 1:3] for [u = 1:words(rates)] datafile using \
		((stringcolumn(1) eq word(keys, k) && stringcolumn(4) eq word(impls, i) && \
		  stringcolumn(3) eq word(rates, u)) ? $2 : 1/0):5 \
		with linespoints lw 1.5 dt u lc i \
		title sprintf("%s, %s upd/s", word(impls, i), word(rates, u))
}
unset multiplot
