# dmademo: throughput (MB/s = size / p50 total time, mbps_p50 of summary.csv) vs buffer size.
#   gnuplot -e "dir='results/x'" plots/throughput.gp   -> results/x/throughput-gnuplot.png
# Optional: -e "out='file.png'" writes elsewhere.
script = "throughput"
TITLE = "Throughput vs buffer size (size / p50 total time)"
load (ARG0 eq "" ? "plots" : system("dirname -- '" . ARG0 . "'")) . "/common.gpi"
if (!exists("out")) out = dir . "/throughput-gnuplot.png"
set output out

set logscale y 10
set ytics ("0.1" 0.1, "1" 1, "10" 10, "100" 100, "1000" 1000, "10000" 10000, "100000" 100000)
set mytics 10
set ylabel "MB/s (10^6 bytes/s), log scale"
WHAT = DEPTH > 1 ? sprintf("size / p50 total time per transfer, including queueing at depth %d: not the pipelined mbps_step; higher is better", DEPTH) \
       : "one transfer at a time, from CPU fill to CPU read; higher is better"
set label 103 WHAT at graph 0, graph 1.025 left font ",11" tc rgb "#444444" noenhanced

plot for [i=NS:1:-1] rows(word(STRATS, i), "total") using 1:($6 > 0 ? $6 : NaN) \
         with linespoints lc rgb color(word(STRATS, i)) pt ptype(word(STRATS, i)) ps 1.2 lw 2 \
         title word(STRATS, i)
set output
set print "-"
print out
