/* Dates in feeds: parsing to Unix seconds and formatting, pure and locale-independent. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 3339 / ISO 8601 date-time ("2025-03-04T09:00:00Z", "+08:00" offsets, fractions, a
 * space instead of 'T', a date alone as midnight UTC). */
bool date_parse_rfc3339(const char *s, int64_t *out);
/* "2025-03-04T09:00:00Z" into buf (at least 21 bytes). */
void date_format_rfc3339(int64_t t, char *buf, size_t size);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t date_days_from_civil(int64_t y, unsigned m, unsigned d);
