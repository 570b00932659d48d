/*
 * Small files written durably (see durable_file.h).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <windows.h>
#include "durable_file.h"
#include "memory.h"
#include "portable.h"
#include "fault.h"

LONG durable_file_replace(const WCHAR *path, const void *data, DWORD size)
{
    size_t length = wstr_len(path);
    DWORD written = 0;
    WCHAR *temporary;
    HANDLE file;
    BOOL ok;

    if (fault_should_fail(FAULT_FILE_WRITE)) return ERROR_WRITE_FAULT;
    if (!(temporary = mem_alloc((length + 5) * sizeof(WCHAR)))) return ERROR_NOT_ENOUGH_MEMORY;
    memcpy(temporary, path, length * sizeof(WCHAR));
    memcpy(temporary + length, L".new", 5 * sizeof(WCHAR));
    file = CreateFileW(temporary, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_WRITE_THROUGH, NULL);
    ok = file != INVALID_HANDLE_VALUE && WriteFile(file, data, size, &written, NULL) && written == size
         && FlushFileBuffers(file);
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    if (!ok || !MoveFileExW(temporary, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    {
        DeleteFileW(temporary);
        mem_free(temporary);
        return ERROR_WRITE_FAULT;
    }
    mem_free(temporary);
    return ERROR_SUCCESS;
}

LONG durable_file_read(const WCHAR *path, DWORD max_size, BYTE **data, DWORD *size)
{
    LARGE_INTEGER file_size;
    LONG status = ERROR_SUCCESS;
    DWORD got = 0;
    HANDLE file;
    BYTE *buffer;

    *data = NULL;
    *size = 0;
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
    {
        status = GetLastError();
        return status == ERROR_FILE_NOT_FOUND || status == ERROR_PATH_NOT_FOUND ? ERROR_FILE_NOT_FOUND
                                                                               : ERROR_READ_FAULT;
    }
    if (!GetFileSizeEx(file, &file_size) || file_size.QuadPart <= 0 || file_size.QuadPart >= max_size)
        status = ERROR_INVALID_DATA;
    else if (!(buffer = mem_alloc((size_t)file_size.QuadPart)))
        status = ERROR_NOT_ENOUGH_MEMORY;
    else if (!ReadFile(file, buffer, (DWORD)file_size.QuadPart, &got, NULL) || got != file_size.QuadPart)
    {
        mem_free(buffer);
        status = ERROR_READ_FAULT;
    }
    else
    {
        *data = buffer;
        *size = got;
    }
    CloseHandle(file);
    return status;
}
