# dmademo: where the time goes. Stacked phases (alloc, fill, to_dev, map, prep, submit, wait,
# wake, unmap, to_cpu, read, free; map and unmap are an importer's mapping of a dma-buf, 0 but for
# dmademo-mmap's dma-buf kinds; older folders have no alloc, wake, free, map or unmap: they count 0)
# per strategy at the smallest, a middle and the largest buffer size of summary.csv.
#   gnuplot -e "dir='results/x'" plots/phases.gp       -> results/x/phases-gnuplot.png
# Optional: -e "size=4096" (middle panel), -e "stat='p50'" (default mean: the stack adds up to the
# mean total), -e "out='file.png'" writes elsewhere.
script = "phases"
if (!exists("stat")) stat = "mean"
if (stat ne "mean" && stat ne "p50") {
    print "phases: stat must be 'mean' or 'p50'"
    exit status 2
}
TITLE = sprintf("Where the time goes: phases of one transfer (%s of each phase)", stat)
load (ARG0 eq "" ? "plots" : system("dirname -- '" . ARG0 . "'")) . "/common.gpi"
if (!exists("out")) out = dir . "/phases-gnuplot.png"
set output out

PHASES = "alloc fill to_dev map prep submit wait wake unmap to_cpu read free"
NPH = words(PHASES)
TOT = NPH + 2                   # pivot()'s column of the stack's total (after the strategy's)
phcolor(j) = word("#c7b5e0 #a6d96a #fdae61 #f7b6d2 #d0d0d0 #8c8c8c #80b1d3 #e6c229 #b5367a #e8603c #1a9850 #7b61a8", j)
phtitle(j) = j == 1 ? "alloc: pool block" : j == 2 ? "fill: CPU writes" : \
             j == 3 ? "to_dev: map / sync" : j == 4 ? "map: dma-buf" : \
             j == 5 ? "prep" : j == 6 ? "submit + issue" : \
             j == 7 ? "wait: DMA copies" : j == 8 ? "wake: to the thread" : \
             j == 9 ? "unmap: dma-buf" : j == 10 ? "to_cpu: unmap / sync" : \
             j == 11 ? "read: CPU reads" : "free: pool block"

# The phases the data has (a non-zero value somewhere): only those are in the key.
AWK_USED = AWK_HEAD . '$c[col] + 0 > 0 {u[$c["phase"]]=1} END{for(p in u) printf " %s ", p}'
USED = system(sprintf("awk -F, -v col=%s_ns '%s' '%s'", stat, AWK_USED, summary))
used(j) = strstrt(USED, " " . word(PHASES, j) . " ") > 0

# pivot(z): "strategy,fill,to_dev,...,read" at size z, one row per strategy in the usual order.
AWK_PIVOT = AWK_HEAD . '$c["size"]==z {v[$c["strategy"] SUBSEP $c["phase"]]=$c[col]; seen[$c["strategy"]]=1} END{n=split(S,k," "); m=split(P,ph," "); for(i=1;i<=n;i++){s=k[i]; if(!(s in seen)) continue; printf "%s", s; t=0; for(j=1;j<=m;j++){x=((s SUBSEP ph[j]) in v)?v[s SUBSEP ph[j]]:0; t+=x; printf ",%s", x}; printf ",%s\n", t}}'
pivot(z) = sprintf("< awk -F, -v z=%d -v col=%s_ns -v S='%s' -v P='%s' '%s' '%s'", \
                   z, stat, STRATS, PHASES, AWK_PIVOT, summary)

NZ = words(SIZES)
Z1 = word(SIZES, 1) + 0
Z2 = exists("size") ? size + 0 : word(SIZES, (NZ + 1) / 2) + 0
Z3 = word(SIZES, NZ) + 0
PANELS = (Z1 == Z3) ? sprintf("%d", Z1) : (Z2 == Z1 || Z2 == Z3) ? sprintf("%d %d", Z1, Z3) \
         : sprintf("%d %d %d", Z1, Z2, Z3)
NP = words(PANELS)
human(z) = z >= 1048576 && z % 1048576 == 0 ? sprintf("%dM", z / 1048576) : \
           z >= 1024 && z % 1024 == 0 ? sprintf("%dK", z / 1024) : sprintf("%d", z)

# many strategies (a module with iova and phys has eleven): steeper names, totals upright
MANY = words(STRATS) > 8
unset logscale x
set xtics () rotate by (MANY ? 60 : 35) right nomirror
set xrange [-0.6:*]
unset xlabel
unset mxtics
set grid noxtics ytics
set style data histograms
set style histogram rowstacked
set style fill solid 1.0 border rgb "white"
set boxwidth 0.7
set key at screen 0.995, screen 0.84 right top box opaque reverse invert Left samplen 1.5 \
    spacing 1.3 width 2 noenhanced title "phase"
set bmargin at screen (MANY ? 0.2 : 0.14)
set tmargin at screen 0.84

LEFT = 0.07
RIGHT = 0.765
GAP = 0.065
W = (RIGHT - LEFT - (NP - 1) * GAP) / NP

set multiplot
do for [p=1:NP] {
    z = word(PANELS, p) + 0
    TOP = system(pivot(z)[3:] . sprintf(" | awk -F, '$%d > m {m = $%d} END {print m + 0}'", TOT, TOT)) + 0
    TOP = TOP > 0 ? TOP : 1
    SCALE = TOP >= 2e6 ? 1e6 : TOP >= 2e3 ? 1e3 : 1
    UNIT = SCALE == 1e6 ? "ms" : SCALE == 1e3 ? "µs" : "ns"
    set lmargin at screen LEFT + (p - 1) * (W + GAP)
    set rmargin at screen LEFT + (p - 1) * (W + GAP) + W
    set title sprintf("%s bytes", human(z)) font ",13"
    set ylabel sprintf("%s per transfer (%s)", UNIT, stat)
    set yrange [0 : TOP / SCALE * (MANY ? 1.18 : 1.12)]
    set ytics autofreq
    if (p == 1) {
        set key
    } else {
        unset key
    }
    if (MANY) {
        plot for [j=1:NPH] pivot(z) using (column(j + 1) / SCALE):xtic(1) \
                 lc rgb phcolor(j) title (used(j) ? phtitle(j) : ""), \
             pivot(z) using 0:(column(TOT) / SCALE):(sprintf("%.3g", column(TOT) / SCALE)) \
                 with labels rotate by 90 left offset 0, 0.4 font ",8" notitle
    } else {
        plot for [j=1:NPH] pivot(z) using (column(j + 1) / SCALE):xtic(1) \
                 lc rgb phcolor(j) title (used(j) ? phtitle(j) : ""), \
             pivot(z) using 0:(column(TOT) / SCALE):(sprintf("%.3g", column(TOT) / SCALE)) \
                 with labels offset 0, 0.8 font ",9" notitle
    }
    unset label 101
    unset label 102
    unset label 104
}
unset multiplot
set output
set print "-"
print out
