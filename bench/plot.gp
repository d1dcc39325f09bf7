# SPDX-License-Identifier: MIT
# Reads/s against reader threads, one panel per updater period, one line
# per implementation (rcuslot solid, raw liburcu dashed, same colour per
# flavor). Run by `scons bench`:
#   gnuplot -e "datafile='read.csv'; outfile='reads.png'; impls='...'; periods='...'; xmax=10" plot.gp
# impls and periods are space-separated lists taken from the CSV, xmax a
# little above the largest reader count.
set terminal pngcairo size 1500,560 font ",10"
set output outfile
set datafile separator comma
set datafile columnheaders
set logscale xy 2
set logscale y 10
set xtics (1, 2, 4, 8, 16, 32, 64)
set xrange [0.8:xmax]
set xlabel "reader threads"
set ylabel "reads/s, all readers (millions)"
set grid
set key at screen 0.995, 0.88 right top vertical font ",9"
set multiplot title "rcubench: reads/s against readers (medians)"
# Equal panels, the key to their right.
left = 0.05; right = 0.86; gap = 0.05
width = (right - left - gap * (words(periods) - 1)) / words(periods)
set tmargin at screen 0.88
set bmargin at screen 0.12

flavor(s) = strstrt(s, "memb") ? 1 : strstrt(s, "qsbr") ? 2 : strstrt(s, "-mb") ? 3 : \
            strstrt(s, "-bp") ? 4 : strstrt(s, "signal") ? 5 : \
            s eq "rwlock" ? 6 : s eq "mutex" ? 7 : 8
dash(s) = strstrt(s, "liburcu") ? 2 : 1
ptitle(p) = p == 0 ? "no updater" : sprintf("updater every %d µs", p)

do for [pi = 1:words(periods)] {
    p = word(periods, pi) + 0
    set title ptitle(p)
    set lmargin at screen left + (pi - 1) * (width + gap)
    set rmargin at screen left + (pi - 1) * (width + gap) + width
    if (pi == words(periods)) { set key } else { unset key }
    if (pi > 1) { unset ylabel }
    plot for [i = 1:words(impls)] datafile \
        using ((column("period_us") == p && strcol("impl") eq word(impls, i)) ? column("readers") : NaN):(column("reads_per_s") / 1e6) \
        with linespoints lc flavor(word(impls, i)) dt dash(word(impls, i)) pt 7 ps 0.6 \
        title word(impls, i)
}
unset multiplot
