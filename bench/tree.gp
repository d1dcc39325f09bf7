# SPDX-License-Identifier: MIT
# RCU_TREE_DEFINE against its peers (bench/results/tree.csv, the medians of
# bench/tree_bench.py; variables datafile and outfile from
# site_scons/rcuslot_tree_bench.py): operations/s against the number of keys,
# on log scales. Left: point lookups, 2 readers and an updater at 1,000/s,
# every implementation; middle: ceil and 16-entry range scans, the same
# load, the ordered maps that offer them; right: the updater's updates/s
# flat out while 1 reader looks up.
set datafile separator ","
impls = "rcuslot-tree gtree-rwlock cds-skiplist cds-avl rcuslot-map"
ops = "lookup ceil scan"

# One series (impl, op, readers, update rate, column) into a data block:
# the rows of one series are not adjacent in the file, and a line drawn
# through the others' undefined points would break at each.
series(i, o, r, u) = sprintf("$s_%d_%d_%s_%s", i, o, r, u)
do for [i = 1:words(impls)] {
	do for [o = 1:words(ops)] {
		do for [ru in "2:1000 1:max"] {
			r = ru[1:1]
			u = ru[3:*]
			# Created first, so that a series without rows exists too.
			eval sprintf("set print %s", series(i, o, r, u))
			print "# ", word(impls, i), " ", word(ops, o), " ", r, " readers, ", u, " updates/s"
			unset print
			eval sprintf("set table %s append", series(i, o, r, u))
			plot datafile using 3:6:7 with table if (stringcolumn(1) eq word(impls, i) && \
				stringcolumn(2) eq word(ops, o) && stringcolumn(4) eq r && \
				stringcolumn(5) eq u)
			unset table
		}
	}
}

set terminal pngcairo size 1500,480 font ",10" noenhanced
set output outfile
set datafile separator whitespace
set key bottom left font ",8"
set grid ytics
set logscale xy
set format y "%.0s%c"
set format x "%.0s%c"
set xlabel "keys"
set xrange [500:2000000]
set multiplot layout 1, 3 title "RCU_TREE_DEFINE, GTree + rwlock, libcds RCU maps, RCU_MAP_DEFINE (medians)"
set title "point lookups/s, 2 readers, 1 updater at 1,000/s"
set ylabel "operations/s, all readers (higher is better)"
plot for [i = 1:words(impls)] series(i, 1, "2", "1000") using 1:2 \
	with linespoints pt (4 + i) ps 1.3 lc i title word(impls, i)
set title "ceil and 16-entry scans/s, 2 readers, 1 updater at 1,000/s"
plot for [i = 1:2] series(i, 2, "2", "1000") using 1:2 \
	with linespoints pt 5 ps 1.3 lc i dt 1 title word(impls, i) . " ceil", \
     for [i = 1:2] series(i, 3, "2", "1000") using 1:2 \
	with linespoints pt 7 ps 1.3 lc i dt 2 title word(impls, i) . " scan"
set title "updates/s flat out, 1 reader looking up"
set ylabel "updates/s (higher is better)"
plot for [i = 1:words(impls)] series(i, 1, "1", "max") using 1:3 \
	with linespoints pt (4 + i) ps 1.3 lc i title word(impls, i)
unset multiplot
