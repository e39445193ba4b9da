// Reads calendar files with Mozilla's ical.js, as Thunderbird and Nextcloud do, and prints
// for each file its METHOD and, per VEVENT, the UTC start and end and the ORGANIZER, as
// one JSON document: [{"method": ..., "events": [{...}]}, ...] in the order of the paths.
// Usage: node read_calendar.mjs FILE.ics ...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function utc(time) {
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString();
}

const files = process.argv.slice(2).map((path) => {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    const organizer = component.getFirstProperty("organizer");
    return {
      uid: event.uid,
      // The zone ical.js took the start's wall time in: the file's own VTIMEZONE
      // (its TZID), or "floating" when it found none.
      zone: event.startDate.zone ? event.startDate.zone.tzid : null,
      start_utc: utc(event.startDate),
      end_utc: utc(event.endDate),
      organizer: organizer ? organizer.getFirstValue() : null,
      organizer_cn: organizer ? organizer.getParameter("cn") : null,
    };
  });
  return { method: calendar.getFirstPropertyValue("method"), events };
});
process.stdout.write(JSON.stringify(files) + "\n");
