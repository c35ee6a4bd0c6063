# /dev/dmademo: the hostile checks of mmap-hostile, what the module and its
# channel do with buffers still mapped, and bench/dmademo-mmap's sweep.
SUITE=mmap
BIN=$TOOLS
T=/tmp/mmap

check "module loads" load
check "/dev/dmademo is a character device" test -c /dev/dmademo
tap_prog "$BIN/mmap-hostile" all || tap_fail "mmap-hostile all exited $?"

# a run in progress owns the channel: a user transfer waits its turn (EBUSY)
long_run start
tap_prog "$BIN/mmap-hostile" busy
long_run stop
tap_prog "$BIN/mmap-hostile" nochan
kwrite "$D/channel" any >/dev/null

# rmmod while an application still maps buffers of a closed file
rm -f /tmp/held
"$BIN/mmap-hostile" hold /tmp/held &
holder=$!
wait_for /tmp/held
check "a holder maps buffers and closes the file" test -e /tmp/held
rmmod_held "$holder" "buffers are mapped" "the last mapping is gone"

# What user space maps is what was allocated: whole pages (ubuf.c: mapped_len()), so that a
# per-device coherent pool, which zeroes only the size asked for, shows user space nothing
# of what it held before. DMA-API debug's dump lists each allocation's size (L=, hex).
API_DUMP=/sys/kernel/debug/dma-api/dump
if [ -r "$API_DUMP" ]; then
	cat "$API_DUMP" > "$T.dump0"
	rm -f /tmp/held4
	"$BIN/mmap-hostile" hold /tmp/held4 4 &
	holder=$!
	wait_for /tmp/held4
	cat "$API_DUMP" > "$T.dump1"
	kill "$holder"
	wait "$holder" 2>/dev/null
	sizes=$(grep ' coherent ' "$T.dump1" | grep -vxFf "$T.dump0" | sed 's/.* L=\([0-9a-f]*\) .*/\1/' |
		sort | tr '\n' ' ')
	pg=$(sed -n 's/^page_size=//p' "$D/info")
	is "a 4 B coherent allocation for user space allocates the page it maps (two, L=)" \
		"$sizes" "$(printf '%x %x ' "$pg" "$pg")"
else
	tap_ok "allocation sizes: no DMA-API debug here (dma-api/dump) # SKIP"
fi

# bench/dmademo-mmap: /dev/dmademo's kinds, 64 B .. 1 MiB, both access patterns
U=$OUT/user
"$BIN/dmademo-mmap" -q -k coherent,wc,cached -n 20 -w 2 --access both -o "$U" 2>"$T.err"
is "dmademo-mmap sweeps 3 kinds x 2 access patterns x 15 sizes (exit 0)" "$?" 0
sed 's/^/# /' "$T.err"
csv_checks "$U" 20 90
is "the strategies are the kinds' -mmap and -mmap-byte" "$(awk -F, "$COLS"'NR > 1 { print col("strategy") }' "$U/results.csv" |
	sort -u | tr '\n' ' ')" "cached-mmap cached-mmap-byte coherent-mmap coherent-mmap-byte wc-mmap wc-mmap-byte "
is "sizes 64 B .. 1 MiB, powers of two" "$(awk -F, "$COLS"'NR > 1 { print col("size") }' "$U/results.csv" | sort -un |
	tr '\n' ' ')" "64 128 256 512 1024 2048 4096 8192 16384 32768 65536 131072 262144 524288 1048576 "
is "coherent and wc never change hands (to_dev = to_cpu = 0)" \
	"$(awk -F, "$COLS"'NR > 1 && col("strategy") !~ /^cached/ &&
		(col("to_dev_ns") != 0 || col("to_cpu_ns") != 0)' "$U/results.csv" | wc -l)" 0
is "cached syncs both ways (to_dev > 0, to_cpu > 0)" \
	"$(awk -F, "$COLS"'NR > 1 && col("strategy") ~ /^cached/ &&
		(col("to_dev_ns") == 0 || col("to_cpu_ns") == 0)' "$U/results.csv" | wc -l)" 0
is "every round trip preps, submits and waits or wakes, and the CPU fills and reads" \
	"$(awk -F, "$COLS"'NR > 1 && (col("prep_ns") == 0 || col("submit_ns") == 0 || col("wait_ns") + col("wake_ns") == 0 ||
		col("fill_ns") == 0 || col("read_ns") == 0)' "$U/results.csv" | wc -l)" 0
is "no dma-buf to map: map_ns = unmap_ns = 0" \
	"$(awk -F, "$COLS"'NR > 1 && (col("map_ns") != 0 || col("unmap_ns") != 0)' "$U/results.csv" | wc -l)" 0
is "no alloc or free within a round trip; round 0" \
	"$(awk -F, "$COLS"'NR > 1 && (col("alloc_ns") != 0 || col("free_ns") != 0 || col("round") != 0)' "$U/results.csv" | wc -l)" 0
if [ "$(sed -n 's/^dma_coherent=//p' "$D/info")" = 0 ]; then
	is "need_sync: 1 for cached, 0 for the others (non-coherent device)" \
		"$(awk -F, "$COLS"'NR > 1 && col("need_sync") != (col("strategy") ~ /^cached/)' "$U/rows.csv" | wc -l)" 0
fi
is "one descriptor per round trip" "$(awk -F, "$COLS"'NR > 1 && col("segments") != 1' "$U/rows.csv" | wc -l)" 0
for k in date board kernel arch source version kinds sizes iterations warmup access device_status; do
	grep -q "^$k=" "$U/meta" || missing="$missing $k"
done
is "meta has every documented key" "${missing:-none}" none

# The dma-bufs an application allocates, where this kernel has them (CONFIG_UDMABUF,
# CONFIG_DMABUF_HEAPS_SYSTEM and _CMA with a CMA area); those it lacks are skipped, exit 0
want_absent=
[ -e /dev/udmabuf ] || want_absent=udmabuf
[ -e /dev/dma_heap/system ] || want_absent=${want_absent:+$want_absent,}heap-system
# the CMA heap as dmademo-mmap finds it: default_cma_region, else the first by name of the
# heaps that are neither system nor protected ones
cma=
for h in /dev/dma_heap/*; do
	h=${h##*/}
	case $h in system* | protected,* | '*') continue ;; esac
	if [ -z "$cma" ] || [ "$h" = default_cma_region ]; then cma=$h; fi
done
[ -n "$cma" ] || want_absent=${want_absent:+$want_absent,}heap-cma
note "dma-bufs: absent: ${want_absent:-none}; CMA heap: ${cma:-none}"
# At most 64 KiB: udmabuf maps its pages for the CPU's syncs on its misc device in segments
# as long as the pages are contiguous (get_sg_table(): sg_alloc_table_from_pages(), UINT_MAX),
# past the device's 64 KiB (no dma_parms: dma_get_max_seg_size()), which DMA-API debug reports
# (check_sg_segment()) on the debug kernel: the kernel's bug, 6.1 and 7.2 alike
V=$OUT/user-dmabuf
"$BIN/dmademo-mmap" -k udmabuf,heap-system,heap-cma -z 64,4K,64K -n 10 -w 2 --access both \
	-o "$V" >"$T.out" 2>"$T.err"
is "dmademo-mmap with the dma-buf kinds, absent ones skipped (exit 0)" "$?" 0
sed 's/^/# /' "$T.err"
is "meta: absent= the kinds this kernel lacks" "$(sed -n 's/^absent=//p' "$V/meta")" "$want_absent"
missing=
for k in $(echo "$want_absent" | tr , ' '); do
	grep -q "^absent_$k=..*(CONFIG_" "$V/meta" || missing="$missing $k"
	is "$k absent: a skipped line per cell (3 sizes x 2)" \
		"$(grep -cE "^# skipped: $k-mmap(-byte)? [0-9]+: .*\(CONFIG_.*\) \(-E" "$V/summary.csv")" 6
	is "$k absent: one stderr line" "$(grep -c ": $k: skipped: .*(CONFIG_" "$T.err")" 1
done
is "meta: a reason, naming its CONFIG_, for each absent kind" "${missing:-none}" none
present=0
for k in udmabuf heap-system heap-cma; do
	case ",$want_absent," in *",$k,"*) ;; *) present=$((present + 1)) ;; esac
done
if [ $present = 0 ]; then
	is "no dma-buf kind here: results.csv has its header alone" "$(wc -l <"$V/results.csv")" 1
else
	csv_checks "$V" 10 $((present * 6))
	is "dma-bufs: the importer maps and unmaps them (map_ns > 0, unmap_ns > 0)" \
		"$(awk -F, "$COLS"'NR > 1 && (col("map_ns") == 0 || col("unmap_ns") == 0)' "$V/results.csv" | wc -l)" 0
	is "dma-bufs: DMA_BUF_IOCTL_SYNC both ways (to_dev > 0, to_cpu > 0)" \
		"$(awk -F, "$COLS"'NR > 1 && (col("to_dev_ns") == 0 || col("to_cpu_ns") == 0)' "$V/results.csv" | wc -l)" 0
	is "dma-bufs: every round trip preps, submits and waits or wakes" \
		"$(awk -F, "$COLS"'NR > 1 && (col("prep_ns") == 0 || col("submit_ns") == 0 ||
			col("wait_ns") + col("wake_ns") == 0)' "$V/results.csv" | wc -l)" 0
	is "dma-bufs: at least one descriptor each" \
		"$(awk -F, "$COLS"'NR > 1 && col("segments") < 1' "$V/rows.csv" | wc -l)" 0
	if [ "$(sed -n 's/^dma_coherent=//p' "$D/info")" = 0 ]; then
		is "dma-bufs: need_sync 1 (non-coherent device)" \
			"$(awk -F, "$COLS"'NR > 1 && col("need_sync") != 1' "$V/rows.csv" | wc -l)" 0
	fi
	is "the table names the dma-buf strategies there are" \
		"$(head -2 "$T.out" | tail -1 | wc -w)" $((1 + present * 2))
fi
if [ -n "$cma" ]; then
	is "meta: cma_heap= the heap used" "$(sed -n 's/^cma_heap=//p' "$V/meta")" "$cma"
fi

# partial syncs of cached buffers: the CPU touches, and SYNC hands over, 256 B of each
P=$OUT/user-partial
"$BIN/dmademo-mmap" -q -k cached -z 4K,64K -n 10 -w 2 --touch-bytes 256 --sync-bytes 256 \
	-o "$P" 2>"$T.err"
is "cached, --touch-bytes 256 --sync-bytes 256 (exit 0)" "$?" 0
sed 's/^/# /' "$T.err"
csv_checks "$P" 10 2
is "meta: touch_bytes=256, sync_bytes=256" \
	"$(grep -E '^(touch|sync)_bytes=' "$P/meta" | tr '\n' ' ')" "touch_bytes=256 sync_bytes=256 "
