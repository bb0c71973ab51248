/*
 * archive_dl.c - libarchive opened on first use (archive_dl.h).
 */
#include "archive_dl.h"
#include "dl.h"

static oa_libarchive table;

static const oa_dl_sym syms[] = {
	{ "archive_write_new", &table.write_new },
	{ "archive_write_set_format_zip", &table.write_set_format_zip },
	{ "archive_write_set_format_pax_restricted", &table.write_set_format_pax_restricted },
	{ "archive_write_add_filter_gzip", &table.write_add_filter_gzip },
	{ "archive_write_zip_set_compression_deflate", &table.write_zip_set_compression_deflate },
	{ "archive_write_set_bytes_in_last_block", &table.write_set_bytes_in_last_block },
	{ "archive_write_open", &table.write_open },
	{ "archive_write_header", &table.write_header },
	{ "archive_write_data", &table.write_data },
	{ "archive_write_close", &table.write_close },
	{ "archive_write_free", &table.write_free },
	{ "archive_error_string", &table.error_string },
	{ "archive_entry_new", &table.entry_new },
	{ "archive_entry_free", &table.entry_free },
	{ "archive_entry_set_pathname", &table.entry_set_pathname },
	{ "archive_entry_set_filetype", &table.entry_set_filetype },
	{ "archive_entry_set_perm", &table.entry_set_perm },
	{ "archive_entry_set_size", &table.entry_set_size },
	{ "archive_entry_set_mtime", &table.entry_set_mtime },
};

/* libarchive 3's soname (Debian 12: libarchive13). */
static oa_dl_lib lib = OA_DL_LIB("libarchive.so.13", syms, "export");

const oa_libarchive *oa_libarchive_get(void)
{
	return oa_dl_load(&lib) < 0 ? NULL : &table;
}
