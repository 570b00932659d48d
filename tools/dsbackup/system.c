/*
 * dsbackup's system helpers: paths and folders, whole-file reads and writes,
 * hashing a file, the NTDS service as the service control manager sees
 * it, and the directory's parameters in the registry (see dsbackup.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dsbackup.h"
#include "ntds_layout.h"

/* ---- paths, folders and files ----------------------------------------------------- */

/* The absolute form of a folder given on the command line, without a trailing
 * separator unless it is a root. */
WCHAR *full_folder_path(const WCHAR *path)
{
    DWORD n = GetFullPathNameW(path, 0, NULL, NULL);
    WCHAR *full;
    size_t len;

    if (!n || !(full = malloc(n * sizeof(WCHAR)))) return NULL;
    if (!GetFullPathNameW(path, n, full, NULL))
    {
        free(full);
        return NULL;
    }
    len = wcslen(full);
    while (len > 3 && (full[len - 1] == '\\' || full[len - 1] == '/') && full[len - 2] != ':')
        full[--len] = 0;
    return full;
}

/* CreateDirectoryW, creating missing parents first.  Returns a Win32 error. */
DWORD create_folder(const WCHAR *path)
{
    WCHAR *parent;
    size_t len;
    DWORD error;

    if (CreateDirectoryW(path, NULL)) return ERROR_SUCCESS;
    error = GetLastError();
    if (error == ERROR_ALREADY_EXISTS)
    {
        DWORD attributes = GetFileAttributesW(path);
        return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)
               ? ERROR_SUCCESS : ERROR_DIRECTORY;
    }
    if (error != ERROR_PATH_NOT_FOUND) return error;
    len = wcslen(path);
    while (len && path[len - 1] != '\\' && path[len - 1] != '/') len--;
    while (len && (path[len - 1] == '\\' || path[len - 1] == '/')) len--;
    if (!len || path[len - 1] == ':' || !(parent = malloc((len + 1) * sizeof(WCHAR)))) return error;
    memcpy(parent, path, len * sizeof(WCHAR));
    parent[len] = 0;
    error = create_folder(parent);
    free(parent);
    if (error) return error;
    return CreateDirectoryW(path, NULL) ? ERROR_SUCCESS : GetLastError();
}

BOOL write_all(HANDLE file, const void *data, size_t size)
{
    const BYTE *p = data;
    DWORD done;

    while (size)
    {
        DWORD chunk = size > WRITE_CHUNK_SIZE ? WRITE_CHUNK_SIZE : (DWORD)size;
        if (!WriteFile(file, p, chunk, &done, NULL)) return FALSE;
        if (!done)
        {
            SetLastError(ERROR_WRITE_FAULT);
            return FALSE;
        }
        p += done;
        size -= done;
    }
    return TRUE;
}

const WCHAR *base_name_of(const WCHAR *path)
{
    const WCHAR *base = path, *p;

    for (p = path; *p; p++)
        if (*p == '\\' || *p == '/') base = p + 1;
    return base;
}

BOOL write_new_file(const WCHAR *path, const void *data, size_t size, DWORD disposition)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, disposition, FILE_ATTRIBUTE_NORMAL, NULL);

    if (file == INVALID_HANDLE_VALUE)
    {
        report_sys((HRESULT)GetLastError(), "cannot create %s", u8(path));
        return FALSE;
    }
    if (!write_all(file, data, size) || !FlushFileBuffers(file))
    {
        report_sys((HRESULT)GetLastError(), "cannot write %s", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if (!CloseHandle(file))
    {
        report_sys((HRESULT)GetLastError(), "cannot close %s", u8(path));
        return FALSE;
    }
    return TRUE;
}

/* A small file into memory, NUL-terminated; at most max_size bytes. */
BOOL read_whole_file(const WCHAR *path, size_t max_size, char **data_out, size_t *size_out)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    char *data;
    DWORD got;

    if (file == INVALID_HANDLE_VALUE)
    {
        report_sys((HRESULT)GetLastError(), "cannot open %s", u8(path));
        return FALSE;
    }
    if (!GetFileSizeEx(file, &size))
    {
        report_sys((HRESULT)GetLastError(), "cannot read %s", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if ((ULONGLONG)size.QuadPart > max_size)
    {
        report_sys(ERROR_INVALID_DATA, "%s is too large (%llu bytes, at most %llu expected)", u8(path),
                   (ULONGLONG)size.QuadPart, (ULONGLONG)max_size);
        CloseHandle(file);
        return FALSE;
    }
    if (!(data = malloc((size_t)size.QuadPart + 1)))
    {
        report_sys(ERROR_NOT_ENOUGH_MEMORY, "cannot read %s", u8(path));
        CloseHandle(file);
        return FALSE;
    }
    if (!ReadFile(file, data, (DWORD)size.QuadPart, &got, NULL) || got != (DWORD)size.QuadPart)
    {
        report(got != (DWORD)size.QuadPart ? ERROR_READ_FAULT : (HRESULT)GetLastError(), "cannot read %s", u8(path));
        free(data);
        CloseHandle(file);
        return FALSE;
    }
    CloseHandle(file);
    data[got] = 0;
    *data_out = data;
    *size_out = got;
    return TRUE;
}

/* ---- hashing a file -------------------------------------------------------------- */

/* The source of hash_file: ReadFile to the end. */
struct file_source
{
    HANDLE file;
    DWORD error;                /* of a ReadFile that failed */
};

static BOOL read_file_source(void *arg, BYTE *buffer, DWORD *got)
{
    struct file_source *source = arg;

    if (ReadFile(source->file, buffer, READ_BUFFER_SIZE, got, NULL)) return *got != 0;
    source->error = GetLastError();
    *got = 0;
    return FALSE;
}

BOOL hash_file(const WCHAR *path, struct pipeline_buffers *buffers, ULONGLONG *size_out, char sha256[65],
               struct progress *progress)
{
    struct file_source source = {0};
    struct pipeline pipeline = {0};
    LARGE_INTEGER file_size;
    BYTE digest[SHA256_DIGEST_SIZE];
    BOOL ok;

    source.file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN,
                              NULL);
    if (source.file == INVALID_HANDLE_VALUE)
    {
        report_sys((HRESULT)GetLastError(), "cannot open %s", u8(path));
        return FALSE;
    }
    if (GetFileSizeEx(source.file, &file_size) && file_size.QuadPart > 0)
    {
        pipeline.expected = (ULONGLONG)file_size.QuadPart;
        if (progress && !progress->total) progress->total = pipeline.expected;
    }
    pipeline.read = read_file_source;
    pipeline.source = &source;
    pipeline.progress = progress;
    ok = pipeline_run(&pipeline, buffers);
    CloseHandle(source.file);
    if (!ok) return FALSE;
    if (source.error)
    {
        report_sys((HRESULT)source.error, "cannot read %s", u8(path));
        return FALSE;
    }
    sha256_final(&pipeline.sha, digest);
    sha256_hex(digest, sha256);
    *size_out = pipeline.bytes;
    return TRUE;
}

/* ---- the NTDS service and its parameters -------------------------------------- */

/* SERVICE_DEMAND_START if it cannot be read: only automatic start keeps the
 * directory online across sessions. */
static DWORD service_start_type(SC_HANDLE service)
{
    union { QUERY_SERVICE_CONFIGW config; BYTE bytes[8192]; } buffer;
    DWORD needed;

    if (!QueryServiceConfigW(service, &buffer.config, sizeof(buffer), &needed)) return SERVICE_DEMAND_START;
    return buffer.config.dwStartType;
}

void query_ntds_service(struct ntds_service *service)
{
    SC_HANDLE manager, handle;
    DWORD needed;

    memset(service, 0, sizeof(*service));
    if (!(manager = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT)))
    {
        service->error = GetLastError();
        return;
    }
    if (!(handle = OpenServiceW(manager, NTDS_SERVICE_NAME, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG)))
    {
        service->error = GetLastError();
        service->known = service->error == ERROR_SERVICE_DOES_NOT_EXIST;
    }
    else
    {
        service->registered = TRUE;
        if (QueryServiceStatusEx(handle, SC_STATUS_PROCESS_INFO, (BYTE *)&service->status,
                                 sizeof(service->status), &needed))
            service->known = TRUE;
        else service->error = GetLastError();
        service->start_type = service_start_type(handle);
        CloseServiceHandle(handle);
    }
    CloseServiceHandle(manager);
}

const char *service_state_name(DWORD state)
{
    switch (state)
    {
    case SERVICE_STOPPED:          return "stopped";
    case SERVICE_START_PENDING:    return "starting";
    case SERVICE_STOP_PENDING:     return "stopping";
    case SERVICE_RUNNING:          return "running";
    case SERVICE_CONTINUE_PENDING: return "continuing";
    case SERVICE_PAUSE_PENDING:    return "pausing";
    case SERVICE_PAUSED:           return "paused";
    default:                       return "in an unknown state";
    }
}

WCHAR *read_parameter(const WCHAR *value_name, LONG *error)
{
    DWORD size = 0;
    WCHAR *value = NULL, *grown;
    int attempt;

    for (attempt = 0; attempt < 4; attempt++)
    {
        /* RRF_RT_REG_SZ alone also takes REG_EXPAND_SZ, expanded; naming
         * RRF_RT_REG_EXPAND_SZ without RRF_NOEXPAND is ERROR_INVALID_PARAMETER. */
        *error = RegGetValueW(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, value_name,
                              RRF_RT_REG_SZ, NULL, value, &size);
        if (*error == ERROR_SUCCESS && value) return value;
        if (*error != ERROR_SUCCESS && *error != ERROR_MORE_DATA) break;
        if (!(grown = realloc(value, size + sizeof(WCHAR))))
        {
            *error = ERROR_NOT_ENOUGH_MEMORY;
            break;
        }
        value = grown;
        size += sizeof(WCHAR);
    }
    free(value);
    return NULL;
}
