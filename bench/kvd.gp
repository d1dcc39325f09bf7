# SPDX-License-Identifier: MIT
# kvd against memcached -M: requests/s against client concurrency, one
# panel per get/set mix, one line per server and thread count. Run by
# bench/kvd_bench.py:
#   gnuplot -e "datafile='kvd.csv'; outfile='kvd.png'" kvd.gp
set terminal pngcairo size 1200,480 font ",10"
set output outfile
set datafile separator comma
set datafile columnheaders
set xlabel "client connections (memaslap -c)"
set ylabel "requests/s (thousands)"
set grid
set key top left font ",9"
set yrange [0:*]
set logscale x 2
set xtics (4, 20, 50)
set multiplot layout 1,2 title "kvd vs memcached -M (memaslap, 100,000 keys, 100-byte values; medians)"
do for [mix in "90/10 99/1"] {
    set title "get/set ".mix
    plot for [t in "1 2"] datafile \
            using ((strcol("mix") eq mix && column("threads") == t + 0) ? column("concurrency") : NaN):(column("kvd_req_per_s") / 1e3) \
            with linespoints lw 2 pt 7 dt 1 title "kvd -t ".t, \
         for [t in "1 2"] datafile \
            using ((strcol("mix") eq mix && column("threads") == t + 0) ? column("concurrency") : NaN):(column("memcached_req_per_s") / 1e3) \
            with linespoints lw 2 pt 5 dt 2 title "memcached -t ".t
}
unset multiplot
