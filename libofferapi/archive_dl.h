/*
 * archive_dl.h - libarchive, opened with dlopen() on the first export
 * (archive_dl.c). Linked normally, it brought 2.0 MiB of library pages and
 * 0.3 MiB of heap (libxml2, ICU, libstdc++ and the rest of its chain) into
 * every server and worker at start, for a rare request (a person's data
 * export). Only export.c uses it, through the table below.
 */
#ifndef OFFERAPI_ARCHIVE_DL_H
#define OFFERAPI_ARCHIVE_DL_H

#include <archive.h>
#include <archive_entry.h>

typedef struct oa_libarchive {
	__typeof__(archive_write_new) *write_new;
	__typeof__(archive_write_set_format_zip) *write_set_format_zip;
	__typeof__(archive_write_set_format_pax_restricted) *write_set_format_pax_restricted;
	__typeof__(archive_write_add_filter_gzip) *write_add_filter_gzip;
	__typeof__(archive_write_zip_set_compression_deflate) *write_zip_set_compression_deflate;
	__typeof__(archive_write_set_bytes_in_last_block) *write_set_bytes_in_last_block;
	__typeof__(archive_write_open) *write_open;
	__typeof__(archive_write_header) *write_header;
	__typeof__(archive_write_data) *write_data;
	__typeof__(archive_write_close) *write_close;
	__typeof__(archive_write_free) *write_free;
	__typeof__(archive_error_string) *error_string;
	__typeof__(archive_entry_new) *entry_new;
	__typeof__(archive_entry_free) *entry_free;
	__typeof__(archive_entry_set_pathname) *entry_set_pathname;
	__typeof__(archive_entry_set_filetype) *entry_set_filetype;
	__typeof__(archive_entry_set_perm) *entry_set_perm;
	__typeof__(archive_entry_set_size) *entry_set_size;
	__typeof__(archive_entry_set_mtime) *entry_set_mtime;
} oa_libarchive;

/* The table, loaded on the first call (once per process; the library stays
 * loaded). NULL with OFFERAPI_ERROR set when libarchive cannot be opened
 * or lacks a function. */
const oa_libarchive *oa_libarchive_get(void);

#endif
