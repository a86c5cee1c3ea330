/* Proleptic Gregorian calendar arithmetic, written once for every layer:
 * leap years, month lengths, day of year, and day numbers (days from
 * 2000-01-01 or 1970-01-01) both ways. Time stamps are core/utc.h, time
 * scales (UTC, TDB) spice/timeconv.h. */
#ifndef LPMAP_CORE_CALENDAR_H
#define LPMAP_CORE_CALENDAR_H

int calendar_is_leap(int year);
/* 28..31; 0 for a month outside 1..12. */
int calendar_days_in_month(int year, int month);
/* 1..366 for a valid date (month 1..12). */
int calendar_day_of_year(int year, int month, int day);
/* Days from 2000-01-01 to year-month-day (H. Hinnant's days_from_civil). */
long calendar_days_from_2000(int year, int month, int day);
/* Days from 1970-01-01 (the Unix epoch) to year-month-day. */
long calendar_days_from_1970(int year, int month, int day);
/* The inverse of calendar_days_from_2000. */
void calendar_date_from_2000(long days, int *year, int *month, int *day);
/* "JAN" .. "DEC" for month 1..12 (the PDS folder names); NULL outside. */
const char *calendar_month_abbrev(int month);
/* 1..12 for the first three letters of an English month name in any case
 * ("Nov", "NOV", "november"); 0 when they name none. */
int calendar_month_from_name(const char *s);
/* The inverse of calendar_days_from_1970. */
void calendar_date_from_1970(long days, int *year, int *month, int *day);

#endif
