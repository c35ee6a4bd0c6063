# The DMA API's newest mapping calls as strategies: iova (dma_iova_try_alloc, dma_iova_link,
# dma_iova_sync, dma_iova_unlink) and phys (dma_map_phys). Where the kernel's headers lack them
# the module lists them as absent with the reason, "all" leaves them out and a run naming them
# skips their cells with it. Where it has them: on a device without an IOMMU DMA domain iova is
# unusable, with dma_iova_try_alloc()'s answer; on one behind an IOMMU (the emulated servers'
# PCI device, bound) both run, and the hostile cases leave nothing behind: a link failing half
# way through a buffer (inject=map-error), an IOVA allocation failing half way through a step
# (a 1 MiB IOVA space: dma_bits=20), unbinding mid-run. That same small space then takes a run
# that needs all of it, at the same IOVAs: a range never freed would leave no room, a page
# never unlinked would make its next link fail. Sourced by main.sh with lib.sh loaded.

SUITE=newcalls
T=/tmp/newcalls.$$
mkdir -p "$T"
info() { sed -n "s/^$1=//p" "$D/info"; }
has() { case ,$1, in *,$2,*) return 0 ;; esac; return 1; }

check "module loads" load
ABSENT=$(info absent)
note "absent: ${ABSENT:-none}; $(grep '^absent_' "$D/info" | tr '\n' ' ')"

# ---------------------------------------------------------------- absent
if [ -n "$ABSENT" ]; then
	for s in iova phys; do
		has "$ABSENT" $s || continue
		check "$s is absent, saying which call this kernel's headers lack" \
			grep -qE "^absent_$s=dma_[a-z_]+\(\) is not in this kernel's <linux/dma-mapping.h>$" "$D/info"
		set_knobs strategy=all
		is "strategy all leaves out $s" "$(knob strategy | tr , '\n' | grep -cx "$s")" 0
	done
	set_knobs strategy=streaming,$ABSENT sizes=4K iterations=5 warmup=1
	n=$(echo "$ABSENT" | tr , '\n' | wc -l)
	is "a run naming them: streaming runs, their $n cells skipped" "$(run_wait)" \
		"state=done done=5 total=5 errors=0 skipped=$n"
	cat "$D/summary" > "$T/absent.csv"
	for s in $(echo "$ABSENT" | tr , ' '); do
		check "... the summary says why $s was skipped" \
			grep -qE "^# skipped: $s 4096: dma_[a-z_]+\(\) is not in this kernel's <linux/dma-mapping.h> \((-EOPNOTSUPP|-95)\)$" \
			"$T/absent.csv"
	done
fi

# ---------------------------------------------------------------- present
if ! has "$ABSENT" iova || ! has "$ABSENT" phys; then
	if [ "$(cat /sys/bus/pci/devices/0000:00:04.0/device 2>/dev/null)" = 0x11e8 ]; then
		DEV=0000:00:04.0 SYS=/sys/bus/pci
		echo dmademo > "$SYS/devices/$DEV/driver_override"
		is "binding $DEV" "$(kwrite "$SYS/drivers/dmademo/bind" "$DEV")" ok
	else
		DEV= SYS=
		set_knobs strategy=coherent sizes=4K iterations=1	# a channel, for info to say
		run_wait > /dev/null
	fi
	note "device $(info dma_device), path $(info dma_path); unusable: $(info unusable) $(info unusable_iova)"
fi
if ! has "$ABSENT" phys; then
	set_knobs strategy=phys,streaming sizes=4K,64K iterations=20 warmup=2 verify=1 touch=1 inject=none
	is "phys and streaming at 4 and 64 KiB: done" "$(run_wait)" "state=done done=80 total=80 errors=0 skipped=0"
	cat "$D/results" > "$T/phys.csv"
	is "phys: every row ok, with time in to_dev and to_cpu" "$(awk -F, "$COLS"'NR > 1 && col("strategy") == "phys" &&
		(col("ok") != 1 || col("to_dev_ns") == 0 || col("to_cpu_ns") == 0)' "$T/phys.csv" | wc -l)" 0
fi
if ! has "$ABSENT" iova && has "$(info unusable)" iova; then
	check "iova is unusable here, with dma_iova_try_alloc()'s answer" \
		grep -qx "unusable_iova=dma_iova_try_alloc() says no: no IOMMU DMA domain" "$D/info"
	set_knobs strategy=all
	is "strategy all reads back iova (the module has it)" "$(knob strategy | tr , '\n' | grep -cx iova)" 1
	set_knobs strategy=iova,streaming sizes=4K iterations=5
	is "a run naming iova: streaming runs, iova's cell skipped" "$(run_wait)" \
		"state=done done=5 total=5 errors=0 skipped=1"
	check "... the summary says why" grep -qE "^# skipped: iova 4096: dma_iova_try_alloc\(\) says no: no IOMMU DMA domain \((-EOPNOTSUPP|-95)\)$" "$D/summary"
elif ! has "$ABSENT" iova; then
	is "iova is usable behind the IOMMU" "$(info unusable)" ""
	set_knobs strategy=iova,sg sizes=4K,64K,1M iterations=20 warmup=2 inject=none
	is "iova and sg at 4 KiB, 64 KiB, 1 MiB: done" "$(run_wait)" "state=done done=120 total=120 errors=0 skipped=0"
	cat "$D/results" > "$T/iova.csv"
	is "iova: time in to_dev (link + sync) and to_cpu (unlink) on every row" "$(awk -F, "$COLS"'NR > 1 &&
		col("strategy") == "iova" && (col("to_dev_ns") == 0 || col("to_cpu_ns") == 0)' "$T/iova.csv" | wc -l)" 0
	is "... and the phases add up to total_ns" "$(bad_sums "$T/iova.csv")" 0

	# In a 1 MiB IOVA space (dma_bits=20) the allocator (__alloc_and_insert_iova_range(),
	# drivers/iommu/iova.c) places each range below the mask's last page, aligned to its size
	# rounded up to a power of two, never at IOVA 0: a 256 KiB source and destination take
	# [512K, 768K) and [256K, 512K); a 384 KiB source takes [512K, 896K), and its destination
	# finds no 512 KiB-aligned room.
	#
	# A link failing half way through the destination's pages: the cell is skipped, the source
	# and the linked half unlinked.
	set_knobs strategy=iova sizes=256K iterations=3 warmup=0 dma_bits=20 inject=map-error
	is "iova 256K, inject=map-error (the link of the 33rd of 64 pages fails, those before it linked): the cell is skipped" \
		"$(run_wait)" "state=done done=0 total=0 errors=0 skipped=1"
	check "... the summary says why" grep -qxE "# skipped: iova 262144: mapping failed \((-ENOMEM|-12)\)" "$D/summary"
	set_knobs inject=none

	# an IOVA allocation failing half way: the source's range had, the destination's not
	set_knobs strategy=iova sizes=384K iterations=3 dma_bits=20
	for i in 1 2 3; do st=$(run_wait); done
	is "dma_bits=20, iova 384K, three times: the destination's range cannot be had, the cell skipped" \
		"$st" "state=done done=0 total=0 errors=0 skipped=1"
	check "... saying the allocation failed" grep -qE "^# skipped: iova 393216: alloc_page \+ dma_iova_try_alloc failed" "$D/summary"

	# unbinding in the middle of a run of iova, in the same space
	set_knobs strategy=iova sizes=256K iterations=1000000 dma_bits=20
	echo start > "$D/run"
	sleep 1
	is "unbinding mid-run (iova, 256K)" "$(kwrite "$SYS/drivers/dmademo/unbind" "$DEV")" ok
	is "... stops the run" "$(status_field state)" stopped
	is "binding again" "$(kwrite "$SYS/drivers/dmademo/bind" "$DEV")" ok

	# all of the space again, at the same IOVAs, 200 times
	set_knobs strategy=iova sizes=256K iterations=200 warmup=0 dma_bits=20
	is "afterwards iova 256K in the same 1 MiB space: done, 200 times, no link failing" "$(run_wait)" \
		"state=done done=200 total=200 errors=0 skipped=0"
	set_knobs dma_bits=0
fi
if [ -n "${DEV:-}" ]; then
	check "module unloads while bound" rmmod dmademo
	echo > "$SYS/devices/$DEV/driver_override"
fi
rm -rf "$T"
