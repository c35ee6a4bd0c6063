# Imported dma-bufs (module/dmabuf.c) and synced ranges: the hostile checks of
# dmabuf-hostile, a run in progress refusing imports, and rmmod refused while a file
# holds imports whose fds the application closed. Kernels without /dev/udmabuf and
# without DMA heaps skip the imports, never fail them.
SUITE=dmabuf
BIN=$TOOLS

check "module loads" load
tap_prog "$BIN/dmabuf-hostile" all || tap_fail "dmabuf-hostile all exited $?"

if [ ! -e /dev/udmabuf ] && [ ! -e /dev/dma_heap/system ]; then
	tap_ok "imports during a run and rmmod while holding imports: no dma-buf exporter here # SKIP"
	return 0
fi

# a run in progress owns the channel: imports wait their turn (EBUSY)
long_run start
tap_prog "$BIN/dmabuf-hostile" busy
long_run stop

# rmmod while a file holds imports whose fds are closed
rm -f /tmp/held-dmabuf
"$BIN/dmabuf-hostile" hold /tmp/held-dmabuf &
holder=$!
wait_for /tmp/held-dmabuf
check "a holder imports two dma-bufs and closes their fds" test -e /tmp/held-dmabuf
rmmod_held "$holder" "a file holds imports" "the file is closed"
