/*
 * The directory-database locator (see dsa_config.h and docs/behaviour.md).
 *
 * Copyright 2026 The ntdsbcli project authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <windows.h>
#include "config_path.h"
#include "dsa_config.h"
#include "expiry_token.h"
#include "platform.h"
#include "portable.h"
#include "memory.h"
#ifndef __WINESRC__
#include "unc_share.h"
#endif

/* A configured path, by the rule the NTDS stand-in and dsbackup apply too
 * (config_path.h): names built from it compare reliably. */
static HRESULT read_path(HKEY parameters, const WCHAR *value_name, WCHAR **out)
{
    enum config_path_status path_status;
    WCHAR *raw, *path;
    size_t chars;
    DWORD type;
    LONG status;

    *out = NULL;
    status = registry_read_string(parameters, NULL, value_name, &type, &raw);
    if (status == ERROR_FILE_NOT_FOUND || status == ERROR_INVALID_DATA
            || status == ERROR_UNSUPPORTED_TYPE)
        return hrCouldNotConnect;
    if (status == ERROR_NOT_ENOUGH_MEMORY) return ERROR_NOT_ENOUGH_MEMORY;
    if (status) return hrError;
    chars = config_path_value_chars(type, raw);
    if (!(path = mem_alloc(chars * sizeof(WCHAR))))
    {
        mem_free(raw);
        return ERROR_NOT_ENOUGH_MEMORY;
    }
    path_status = config_path_from_value(type, raw, path, chars);
    mem_free(raw);
    if (path_status != CONFIG_PATH_OK)
    {
        mem_free(path);
        return hrCouldNotConnect;
    }
    *out = path;
    return S_OK;
}

HRESULT dsa_config_load(struct dsa_config *config)
{
    HKEY parameters;
    HRESULT hr;
    LONG status;

    memset(config, 0, sizeof(*config));
    if ((status = registry_open_key(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, &parameters)))
        return status == ERROR_FILE_NOT_FOUND ? hrCouldNotConnect : hrError;
    if ((hr = read_path(parameters, NTDS_VALUE_DATABASE_FILE, &config->database_path))
            || (hr = read_path(parameters, NTDS_VALUE_LOG_DIR, &config->log_dir))
            || (hr = read_path(parameters, NTDS_VALUE_WORKING_DIR, &config->working_dir)))
        dsa_config_free(config);
    RegCloseKey(parameters);
    return hr;
}

HRESULT dsa_tombstone_lifetime(DWORD *days)
{
    LONG status = registry_read_dword(HKEY_LOCAL_MACHINE, NTDS_PARAMETERS_KEY, NTDS_VALUE_TOMBSTONE_LIFETIME, days);

    if (status == ERROR_FILE_NOT_FOUND || (!status && (*days < NTDS_MIN_TOMBSTONE_LIFETIME_DAYS
                                                       || *days > NTDS_MAX_TOMBSTONE_LIFETIME_DAYS)))
    {
        *days = NTDS_DEFAULT_TOMBSTONE_LIFETIME_DAYS;
        return S_OK;
    }
    /* Only an absent value means the default: a value that cannot be read might be
     * shorter, and an expired backup must never become restorable. */
    return status ? hrError : S_OK;
}

void dsa_config_free(struct dsa_config *config)
{
    mem_free(config->database_path);
    mem_free(config->log_dir);
    mem_free(config->working_dir);
    memset(config, 0, sizeof(*config));
}

HRESULT local_path_to_unc(const WCHAR *local_path, WCHAR **unc_path)
{
    const WCHAR *computer = computer_names_get()->netbios;
    size_t computer_len = wstr_len(computer), rest_len, used = 0;
    WCHAR *out;

    *unc_path = NULL;
    if (local_path[0] == '\\' && local_path[1] == '\\')
        return (*unc_path = wstr_dup(local_path)) ? S_OK : ERROR_NOT_ENOUGH_MEMORY;
    /* "X:\rest" becomes "\\COMPUTER\X$\rest": the administrative share of the drive. */
#ifndef __WINESRC__
    unc_share_check(local_path[0]);
#endif
    rest_len = wstr_len(local_path + 2);
    if (!(out = mem_alloc((2 + computer_len + 3 + rest_len + 1) * sizeof(WCHAR))))
        return ERROR_NOT_ENOUGH_MEMORY;
    out[used++] = '\\';
    out[used++] = '\\';
    memcpy(out + used, computer, computer_len * sizeof(WCHAR));
    used += computer_len;
    out[used++] = '\\';
    out[used++] = wchar_upper_ascii(local_path[0]);
    out[used++] = '$';
    memcpy(out + used, local_path + 2, (rest_len + 1) * sizeof(WCHAR));
    *unc_path = out;
    return S_OK;
}
