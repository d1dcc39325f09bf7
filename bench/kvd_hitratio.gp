# SPDX-License-Identifier: MIT
# kvd (SIEVE) against memcached (segmented LRU): hit ratio per Zipf alpha,
# cache-aside, 90 % GET. Run by bench/kvd_bench.py hitratio:
#   gnuplot -e "datafile='kvd-hitratio.csv'; outfile='kvd-hitratio.png'" kvd_hitratio.gp
set terminal pngcairo size 640,420 font ",10"
set output outfile
set datafile separator comma
set datafile columnheaders
set title "Hit ratio, cache-aside, keys 10x what -m 16 holds (medians)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set ylabel "hit ratio"
set yrange [0:1]
set grid ytics
set key top left
plot datafile using "kvd_hit_ratio":xticlabels(sprintf("alpha %.2f", column("alpha"))) title "kvd (SIEVE)", \
     '' using "memcached_hit_ratio" title "memcached"
