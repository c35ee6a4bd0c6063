# dmademo: total latency per transfer vs buffer size, one line per strategy (log-log).
#   gnuplot -e "dir='results/x'" plots/latency.gp      -> results/x/latency-gnuplot.png
# Line: p50 of the total time; shaded band: min .. p99 (from summary.csv).
# Optional: -e "out='file.png'" writes elsewhere.
script = "latency"
TITLE = "Total latency per DMA transfer vs buffer size"
load (ARG0 eq "" ? "plots" : system("dirname -- '" . ARG0 . "'")) . "/common.gpi"
if (!exists("out")) out = dir . "/latency-gnuplot.png"
set output out

set logscale y 10
@TIME_TICS
set mytics 10
set ylabel "total time per transfer (all phases), log scale"
set label 103 "line: p50 · shaded band: min … p99" at graph 0, graph 1.025 left font ",11" tc rgb "#444444"

if (CAIRO) {
    plot for [i=NS:1:-1] rows(word(STRATS, i), "total") using 1:2:5 with filledcurves \
             fc rgb color(word(STRATS, i)) fs transparent solid 0.15 noborder notitle, \
         for [i=NS:1:-1] rows(word(STRATS, i), "total") using 1:3 with linespoints \
             lc rgb color(word(STRATS, i)) pt ptype(word(STRATS, i)) ps 1.2 lw 2 \
             title word(STRATS, i)
} else {
    plot for [i=NS:1:-1] rows(word(STRATS, i), "total") using 1:3 with linespoints \
             lc rgb color(word(STRATS, i)) pt ptype(word(STRATS, i)) ps 1.2 lw 2 \
             title word(STRATS, i)
}
set output
set print "-"
print out
