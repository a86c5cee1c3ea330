/* Folder listings for `lpmap download` (docs/formats.md §6): the archive's
 * year and day-range folders are HTML index pages; this pulls out the
 * href links that name direct children of the page's folder. */
#ifndef LPMAP_DOWNLOAD_HTML_INDEX_H
#define LPMAP_DOWNLOAD_HTML_INDEX_H

#include <stddef.h>

#include "core/status.h"

/* Children of page_url (which must end with '/') linked from html: names
 * percent-decoded, folders with a trailing '/', no duplicates, in page
 * order. Parent, sort (?C=N), absolute links elsewhere and names with
 * '/', '..' or a leading '.' are dropped. Free with html_index_free. */
lp_status html_index_children(const char *html, size_t len, const char *page_url, char ***names,
                              size_t *n, lp_error *err);
void html_index_free(char **names, size_t n);

#endif
