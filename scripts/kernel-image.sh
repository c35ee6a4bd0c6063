# scripts/kernel-image.sh: the kernel images of Debian's packages turned into what QEMU boots.
# Sourced by scripts/deps and scripts/kernel-next, not run; the caller defines log and die.
# shellcheck shell=bash

elf_machine() {   # e_machine of an ELF file as hex (3e = x86-64, b7 = aarch64)
	od -An -tx1 -j18 -N1 "$1" | tr -d ' '
}

le32() { od -An -tu4 -j"$2" -N4 --endian=little "$1" | tr -d ' '; }   # FILE OFFSET

# decompress_stream FORMAT: stdin -> stdout
decompress_stream() {
	case $1 in
	gzip) gzip -dc ;;
	zstd) zstd -dcq ;;
	xz) xz -dc ;;
	lzma) xz -dc --format=lzma ;;
	lz4) lz4 -dcq ;;
	bzip2) bzip2 -dc ;;
	*) return 1 ;;
	esac
}

# unpack_image VMLINUZ IMAGE: the raw arm64 Image QEMU boots. Debian's 6.1 vmlinuz is a gzipped
# Image; an EFI zboot image ("MZ", "zimg" at offset 4) holds the compressed Image as a payload
# (offset, size at 8, 12; compression name at 24); a bare Image is copied.
unpack_image() {
	local in=$1 out=$2 magic fmt
	magic=$(od -An -tx1 -N6 "$in" | tr -d ' \n')
	case $magic in
	1f8b*) fmt=gzip ;;
	28b52ffd*) fmt=zstd ;;
	fd377a585a00) fmt=xz ;;
	4d5a*)
		if [ "$(od -An -c -j4 -N4 "$in" | tr -d ' ')" = zimg ]; then
			local off size
			off=$(le32 "$in" 8) size=$(le32 "$in" 12)
			fmt=$(od -An -c -j24 -N8 "$in" | tr -d ' ' | sed 's/\\0.*//')
			log "${in##*/}: EFI zboot image, $fmt payload of $size bytes"
			tail -c +$((off + 1)) "$in" | head -c "$size" | decompress_stream "$fmt" >"$out" ||
				die "cannot unpack the $fmt payload of $in"
			return 0
		fi
		fmt=none ;;
	*) fmt=none ;;
	esac
	if [ "$fmt" = none ]; then
		cp "$in" "$out"
	else
		decompress_stream "$fmt" <"$in" >"$out" || die "cannot decompress $in ($fmt)"
	fi
}

# bzimage_vmlinux BZIMAGE VMLINUX: the ELF vmlinux inside an x86 bzImage, which QEMU boots
# through its PVH entry point (-kernel vmlinux), skipping the decompressor: under TCG 3 s
# against 7-8 s. The boot protocol's header says where the compressed payload is:
# setup_sects at 0x1f1, "HdrS" at 0x202, payload_offset and payload_length at 0x248, 0x24c
# (from the protected-mode code, after the (setup_sects + 1) * 512 bytes of real-mode setup).
bzimage_vmlinux() {
	local in=$1 out=$2 sects off len magic fmt
	[ "$(od -An -c -j514 -N4 "$in" | tr -d ' ')" = HdrS ] || return 1
	sects=$(od -An -tu1 -j497 -N1 "$in" | tr -d ' ')
	[ "$sects" != 0 ] || sects=4
	off=$(( (sects + 1) * 512 + $(le32 "$in" 584) )) len=$(le32 "$in" 588)
	magic=$(od -An -tx1 -j"$off" -N6 "$in" | tr -d ' \n')
	case $magic in
	1f8b*) fmt=gzip ;;
	28b52ffd*) fmt=zstd ;;
	fd377a585a00) fmt=xz ;;
	5d0000*) fmt=lzma ;;
	02214c18) fmt=lz4 ;;
	425a68*) fmt=bzip2 ;;
	*) return 1 ;;
	esac
	log "${in##*/}: $fmt payload of $len bytes at $off"
	# (decompressors may complain of the relocation data that follows the ELF image)
	tail -c +$((off + 1)) "$in" | head -c "$len" | decompress_stream "$fmt" >"$out" 2>/dev/null
	[ "$(od -An -c -N4 "$out" | tr -d ' ')" = 177ELF ] && [ "$(elf_machine "$out")" = 3e ]
}
