//! Spotnana's API changelog (`releases/changelog.md`): dated entries, newest first, each
//! naming the APIs it touches (`**APIs:** Air API, Trip API`) and listing the changes.

use anyhow::bail;
use chrono::NaiveDate;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// One dated entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The heading as written (`July 20, 2026`): the lock's cursor.
    pub heading: String,
    pub date: NaiveDate,
    /// API names as the changelog spells them.
    pub apis: Vec<String>,
    /// The listed changes, as plain text.
    pub changes: Vec<String>,
}

/// Parses the changelog. A document with no dated entry is an error (a changed page layout
/// must not read as "nothing new").
pub fn parse(markdown: &str) -> anyhow::Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut text = String::new();
    let mut in_heading = false;
    let mut in_item = false;
    let mut in_paragraph = false;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                in_heading = true;
                text.clear();
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                in_heading = false;
                let heading = text.trim().to_string();
                if let Ok(date) = NaiveDate::parse_from_str(&heading, "%B %d, %Y") {
                    entries.push(Entry {
                        heading,
                        date,
                        apis: Vec::new(),
                        changes: Vec::new(),
                    });
                }
            }
            Event::Start(Tag::Item) => {
                in_item = true;
                text.clear();
            }
            Event::End(TagEnd::Item) => {
                in_item = false;
                if let Some(entry) = entries.last_mut() {
                    entry.changes.push(text.trim().to_string());
                }
            }
            Event::Start(Tag::Paragraph) if !in_item => {
                in_paragraph = true;
                text.clear();
            }
            Event::End(TagEnd::Paragraph) if in_paragraph => {
                in_paragraph = false;
                if let (Some(entry), Some(list)) = (entries.last_mut(), text.trim().strip_prefix("APIs:")) {
                    entry.apis = list
                        .split(',')
                        .map(|a| a.trim().to_string())
                        .filter(|a| !a.is_empty())
                        .collect();
                }
            }
            Event::Text(t) if in_heading || in_item || in_paragraph => text.push_str(&t),
            Event::Code(t) if in_heading || in_item || in_paragraph => {
                text.push('`');
                text.push_str(&t);
                text.push('`');
            }
            Event::SoftBreak | Event::HardBreak if in_item || in_paragraph => text.push(' '),
            _ => {}
        }
    }
    if entries.is_empty() {
        bail!("the changelog has no entry with a date heading (`## July 20, 2026`): has its layout changed?");
    }
    Ok(entries)
}

/// The entries newer than the cursor (all of them if there is none), newest first.
pub fn newer_than<'a>(entries: &'a [Entry], cursor: Option<&str>) -> anyhow::Result<Vec<&'a Entry>> {
    let Some(cursor) = cursor else {
        return Ok(entries.iter().collect());
    };
    let since = NaiveDate::parse_from_str(cursor, "%B %d, %Y")
        .map_err(|e| anyhow::anyhow!("the lock's changelog_cursor {cursor:?} is not a date: {e}"))?;
    Ok(entries.iter().filter(|e| e.date > since).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# API changelog\n\nIntro.\n\n## July 9, 2026\n\n**APIs:** Air API, Trip API\n\n\
        - Added `manualRemarks` to the air cancellation request.\n- Added a value.\n\n\
        ## June 25, 2026\n\n**APIs:** Car API\n\n- Something.\n";

    #[test]
    fn entries_apis_and_changes_are_read() {
        let entries = parse(SAMPLE).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].heading, "July 9, 2026");
        assert_eq!(entries[0].apis, ["Air API", "Trip API"]);
        assert_eq!(
            entries[0].changes,
            [
                "Added `manualRemarks` to the air cancellation request.",
                "Added a value."
            ]
        );
        assert_eq!(entries[1].apis, ["Car API"]);
    }

    #[test]
    fn only_entries_after_the_cursor_are_new() {
        let entries = parse(SAMPLE).unwrap();
        let new = newer_than(&entries, Some("June 25, 2026")).unwrap();
        assert_eq!(new.len(), 1);
        assert_eq!(newer_than(&entries, Some("July 9, 2026")).unwrap().len(), 0);
        assert_eq!(newer_than(&entries, None).unwrap().len(), 2);
    }

    #[test]
    fn a_changelog_without_entries_is_an_error() {
        let e = parse("# API changelog\n\n## Coming soon\n\nNothing.\n").unwrap_err();
        assert!(e.to_string().contains("no entry"), "{e}");
    }
}
