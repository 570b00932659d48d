/*
 * The DLL's one door to the system: files, registry, the caller's token, the
 * computer's names and code-page conversion.  Each file and registry call is a
 * fault-injection point of the test builds (fault.h), so tests can fail the N-th
 * of them.
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef NTDSBCLI_PLATFORM_H
#define NTDSBCLI_PLATFORM_H

#include <windows.h>

/* What identifies one version of one file: if any of it changes, the file was
 * replaced, resized or written. */
struct file_identity
{
    ULONGLONG file_index;
    ULONGLONG size;
    ULONGLONG last_write_time;
    ULONGLONG change_time;      /* any change to the file's data or metadata, unlink included */
    BOOL is_directory;
};

HANDLE file_open_for_read(const WCHAR *path);
HANDLE file_open_for_delete(const WCHAR *path);
/* Reads at the file pointer, which successive reads advance.  Not at an
 * explicit offset: under Wine a read with an OVERLAPPED offset costs four times
 * a plain one (13 us against 3 us for 64 KiB from the page cache). */
BOOL file_read(HANDLE file, void *buffer, DWORD size, DWORD *read);
BOOL file_get_identity(HANDLE file, struct file_identity *identity);
/* The part of file_get_identity that can change under an open handle: size,
 * write and change times, and kind. */
BOOL file_get_contents_stamp(HANDLE file, struct file_identity *identity);
/* TRUE if PATH leads to a file with the size, times and kind of IDENTITY, asked
 * without opening it; FALSE if not, or if it cannot be asked (last error set). */
BOOL file_path_has_stamp(const WCHAR *path, const struct file_identity *identity);
BOOL file_identity_equal(const struct file_identity *a, const struct file_identity *b);
/* Marks an open file for deletion when its last handle closes. */
BOOL file_delete_by_handle(HANDLE file);
HANDLE file_find_first(const WCHAR *pattern, WIN32_FIND_DATAW *data);

/* Maps the last Win32 error of a failed file call to the code the API returns. */
HRESULT hr_from_file_error(DWORD error);

/* Opens a key to read several values of it (RegCloseKey closes it): one open
 * instead of one per value. */
LONG registry_open_key(HKEY root, const WCHAR *path, HKEY *key);
/* Reads a REG_SZ or REG_EXPAND_SZ value as stored (unexpanded: config_path.h
 * says what a configured path makes of it) into a new string, and its type;
 * returns ERROR_SUCCESS, ERROR_FILE_NOT_FOUND, ERROR_UNSUPPORTED_TYPE for another
 * type, ERROR_INVALID_DATA for no data or more than any path holds, or another
 * Win32 error.  KEY is a path under ROOT, or NULL to read from ROOT itself. */
LONG registry_read_string(HKEY root, const WCHAR *key, const WCHAR *value, DWORD *type, WCHAR **out);
LONG registry_read_dword(HKEY root, const WCHAR *key, const WCHAR *value, DWORD *out);
/* Reads a REG_DWORD or REG_QWORD (TYPE) value of an open key into *out, which has
 * that type's size; ERROR_FILE_NOT_FOUND if it is absent. */
LONG registry_read_number(HKEY key, const WCHAR *value, DWORD type, void *out);
BOOL registry_key_exists(HKEY root, const WCHAR *path);

/* Creates a key that must not exist yet: ERROR_ALREADY_EXISTS (and *key NULL) if
 * it does.  The key is open for reading and writing; RegCloseKey closes it. */
LONG registry_create_new_key(HKEY root, const WCHAR *path, HKEY *key);
LONG registry_open_key_for_write(HKEY root, const WCHAR *path, HKEY *key);
LONG registry_set_value(HKEY key, const WCHAR *value, DWORD type, const void *data, DWORD size);
/* Asks that the key's values be on disk now: the hive is written on Windows; Wine
 * 8 writes it later, whatever is asked. */
void registry_flush_key(HKEY key);
LONG registry_delete_key(HKEY root, const WCHAR *path);
/* Removes a key this process has just made, when making it whole failed.  Never a
 * fault point: what a failure leaves behind is what the tests look at. */
void registry_discard_key(HKEY root, const WCHAR *path);

/* S_OK if the caller's token (the thread's if it impersonates, else the
 * process's) holds the privilege, enabled or not; ERROR_ACCESS_DENIED if not;
 * ERROR_NOT_ENOUGH_MEMORY. */
HRESULT caller_holds_privilege(const WCHAR *privilege_name);

struct computer_names
{
    WCHAR netbios[MAX_COMPUTERNAME_LENGTH + 1];
    WCHAR dns_host[256];
    WCHAR dns_full[256];
};
const struct computer_names *computer_names_get(void);

/* A to W for the A exports: NULL stays NULL.  Returns S_OK or
 * ERROR_NOT_ENOUGH_MEMORY; free the result with mem_free. */
HRESULT ansi_to_wide(const char *in, WCHAR **out);
/* The narrow_path_fn of name_list.h for the ANSI code page, refusing names that
 * would need a best-fit substitute. */
size_t narrow_path_ansi(const WCHAR *path, char *out, size_t out_size);

ULONGLONG system_time_now(void);
/* This process's creation time (FILETIME): with its id, it tells this process
 * from a later one that got the same id (owner_process.h). */
ULONGLONG process_start_time(void);
ULONGLONG random_u64(void);

#endif
