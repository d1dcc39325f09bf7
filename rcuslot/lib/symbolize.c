/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c: turn the address of a misuse's call into "file:line", for
 * the debug reporter, on the way to abort().
 *
 * The object that holds the address (the executable or a shared object)
 * and its load bias come from dl_iterate_phdr, so the address handed to
 * addr2line is the one in that ELF file, for PIE and non-PIE executables
 * and shared objects alike. addr2line (binutils) runs once, with no shell.
 * Without debug information it cannot name a line: the report is then
 * `binary(symbol+0xoff)`, from the file's own symbol table, which addr2line
 * resolves against a build of the same code with -g.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core_priv.h"

struct where {
	uintptr_t addr;
	char path[4096];
	uintptr_t vaddr; /* addr in the ELF file's own address space */
	int found;
};

static int find_object(struct dl_phdr_info *info, size_t size, void *data)
{
	struct where *w = data;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD || w->addr < start || w->addr >= start + ph->p_memsz)
			continue;
		w->vaddr = w->addr - info->dlpi_addr;
		if (info->dlpi_name && info->dlpi_name[0]) {
			snprintf(w->path, sizeof(w->path), "%s", info->dlpi_name);
		} else {
			ssize_t n = readlink("/proc/self/exe", w->path, sizeof(w->path) - 1);

			w->path[n > 0 ? n : 0] = '\0';
		}
		w->found = 1;
		return 1;
	}
	return 0;
}

/* The function symbol of the file's .symtab (else .dynsym) holding vaddr. */
static int find_symbol(const char *path, uintptr_t vaddr, char *name, size_t len,
		       uintptr_t *off)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = 0;
	struct stat st;
	const unsigned char *map;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || (size_t)st.st_size < sizeof(ElfW(Ehdr))) {
		close(fd);
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return 0;
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)map;
	const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(map + eh->e_shoff);

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > (size_t)st.st_size)
		goto out;
	for (int pass = 0; pass < 2 && !found; pass++) {
		for (int i = 0; i < eh->e_shnum && !found; i++) {
			if (sh[i].sh_type != (pass ? SHT_DYNSYM : SHT_SYMTAB) ||
			    sh[i].sh_link >= eh->e_shnum ||
			    sh[i].sh_offset + sh[i].sh_size > (size_t)st.st_size)
				continue;
			const ElfW(Sym) *sym = (const ElfW(Sym) *)(map + sh[i].sh_offset);
			const char *str = (const char *)map + sh[sh[i].sh_link].sh_offset;
			size_t nsym = sh[i].sh_size / sizeof(*sym);

			for (size_t k = 0; k < nsym; k++) {
				if (ELF64_ST_TYPE(sym[k].st_info) != STT_FUNC ||
				    vaddr < sym[k].st_value ||
				    vaddr >= sym[k].st_value + sym[k].st_size)
					continue;
				snprintf(name, len, "%s", str + sym[k].st_name);
				*off = vaddr - sym[k].st_value;
				found = 1;
				break;
			}
		}
	}
out:
	munmap((void *)map, (size_t)st.st_size);
	return found;
}

/* addr2line's "file:line" for vaddr, basename only; 0 if it cannot tell. */
static int addr2line(const char *path, uintptr_t vaddr, char *buf, size_t len)
{
	char addr[32], line[4096];
	char *argv[] = { "addr2line", "-e", (char *)path, addr, NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], status, ok = 0;
	pid_t pid;
	FILE *out;

	snprintf(addr, sizeof(addr), "%#lx", (unsigned long)vaddr);
	if (pipe(fds))
		return 0;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "addr2line", &fa, NULL, argv, environ)) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	out = fdopen(fds[0], "r");
	if (out && fgets(line, sizeof(line), out) && line[0] != '?') {
		char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;

		base[strcspn(base, " \n")] = '\0'; /* drop " (discriminator N)" */
		if (strchr(base, ':') && base[strlen(base) - 1] != '?' &&
		    strcmp(strchr(base, ':'), ":0") != 0) {
			snprintf(buf, len, "%s", base);
			ok = 1;
		}
	}
	if (out)
		fclose(out);
	else
		close(fds[0]);
	waitpid(pid, &status, 0);
	return ok;
}

void core_symbolize(const void *addr, char *buf, size_t len)
{
	struct where w = { .addr = (uintptr_t)addr };
	char sym[512];
	uintptr_t off;
	const char *bin;

	snprintf(buf, len, "%p", addr);
	dl_iterate_phdr(find_object, &w);
	if (!w.found)
		return;
	if (addr2line(w.path, w.vaddr, buf, len))
		return;
	bin = strrchr(w.path, '/') ? strrchr(w.path, '/') + 1 : w.path;
	if (find_symbol(w.path, w.vaddr, sym, sizeof(sym), &off))
		snprintf(buf, len, "%s(%s+%#lx)", bin, sym, (unsigned long)off);
	else
		snprintf(buf, len, "%s(%#lx)", bin, (unsigned long)w.vaddr);
}
