/* Dates in feeds: parsing to Unix seconds and formatting, pure and locale-independent. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 3339 / ISO 8601 date-time ("2025-03-04T09:00:00Z", "+08:00" offsets, fractions, a
 * space instead of 'T', a date alone as midnight UTC). */
bool date_parse_rfc3339(const char *s, int64_t *out);
/* RFC 822 / 1123 / 2822 as found in RSS ("Tue, 04 Mar 2025 09:00:00 GMT"): named and
 * military zones, numeric offsets, and the usual mistakes (no weekday or a wrong one,
 * two-digit years, no seconds, full or odd month names, no zone, extra spaces). */
bool date_parse_rfc822(const char *s, int64_t *out);
/* W3C-DTF (a profile of ISO 8601): "2025", "2025-03", "2025-03-04", "2025-03-04T09:00Z". */
bool date_parse_w3cdtf(const char *s, int64_t *out);
/* Whichever of the above fits. */
bool date_parse_any(const char *s, int64_t *out);
/* "2025-03-04T09:00:00Z" into buf (at least 21 bytes). */
void date_format_rfc3339(int64_t t, char *buf, size_t size);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t date_days_from_civil(int64_t y, unsigned m, unsigned d);
