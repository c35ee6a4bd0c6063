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
i=0
while [ ! -e /tmp/held ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "a holder maps buffers and closes the file" test -e /tmp/held
if rmmod dmademo 2>/dev/null; then tap_fail "rmmod is refused while buffers are mapped"; load
else tap_ok "rmmod is refused while buffers are mapped"; fi
kill "$holder"
wait "$holder" 2>/dev/null
check "rmmod succeeds once the last mapping is gone" rmmod dmademo
check "and the module loads again" load

# What user space maps is what was allocated: whole pages (ubuf.c: mapped_len()), so that a
# per-device coherent pool, which zeroes only the size asked for, shows user space nothing
# of what it held before. DMA-API debug's dump lists each allocation's size (L=, hex).
API_DUMP=/sys/kernel/debug/dma-api/dump
if [ -r "$API_DUMP" ]; then
	cat "$API_DUMP" > "$T.dump0"
	rm -f /tmp/held4
	"$BIN/mmap-hostile" hold /tmp/held4 4 &
	holder=$!
	i=0
	while [ ! -e /tmp/held4 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
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

# bench/dmademo-mmap: every kind, 64 B .. 1 MiB, both access patterns
U=$OUT/user
"$BIN/dmademo-mmap" -q -n 20 -w 2 --access both -o "$U" 2>"$T.err"
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
