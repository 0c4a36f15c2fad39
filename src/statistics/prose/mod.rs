//! Statements in prose: a whole and its parts ("841 hồ sơ. Trong đó: + …
//! 682 hồ sơ + … 159 hồ sơ"), and percentages tied to the count they follow
//! and the whole it belongs to. A statement is read only when its whole,
//! parts and percentages tie together with certainty.

mod scan;

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::{Part, Statement};
use crate::grid::Paragraph;
use scan::{scan, Count, Line, Marker};

/// Reads the statements of the paragraphs, in order.
pub fn read(paragraphs: &[Paragraph]) -> Vec<Statement> {
    let lines = lines_of(paragraphs);
    let scanned: Vec<(Vec<Count>, Vec<Marker>)> = lines.iter().map(scan).collect();
    let mut reader = Reader { lines: &lines, scanned: &scanned, used: HashSet::new(), statements: Vec::new() };
    let mut anchor: Option<(usize, usize)> = None;
    for index in 0..lines.len() {
        anchor = reader.line(index, anchor);
    }
    reader.statements
}

/// Splits paragraphs into lines at hard breaks that start a list item or end
/// a sentence (PDF paragraphs keep them as `\n`), and at list items run into
/// the text after a colon or full stop ("… Trong đó: * Cán bộ: 10 người");
/// other breaks are wraps. A paragraph that [`continues`] the one before is
/// a wrap too, and its line keeps the first paragraph's place.
fn lines_of(paragraphs: &[Paragraph]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (index, paragraph) in paragraphs.iter().enumerate() {
        let wrapped = continues(&current, &paragraph.text);
        if !wrapped {
            if !current.trim().is_empty() {
                lines.push(Line::new(&current, start + 1, paragraphs[start].page));
            }
            current.clear();
            start = index;
        }
        for (k, piece) in paragraph.text.split('\n').flat_map(inline_items).enumerate() {
            let piece = piece.trim();
            let starts_item = piece.starts_with(['-', '+', '*', '•', '–']);
            let ends_sentence = current.trim_end().ends_with([':', '.', ';']);
            if !current.is_empty() && (starts_item || ends_sentence) && !(wrapped && k == 0) {
                lines.push(Line::new(&current, start + 1, paragraphs[start].page));
                current.clear();
                start = index;
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(piece);
        }
    }
    if !current.trim().is_empty() {
        lines.push(Line::new(&current, start + 1, paragraphs.get(start).and_then(|p| p.page)));
    }
    lines
}

/// Whether `next` goes on with the sentence `text` leaves open (a Word
/// paragraph per printed line, as a report converted from a PDF has them):
/// `text` ends in no full stop or colon and `next` starts in lowercase ("hiện tại là: 27
/// người"), with a bracket ("(50,0%), nữ …") or with a count ("80 %;"), not
/// a heading's number ("3.", "2.1").
fn continues(text: &str, next: &str) -> bool {
    let text = text.trim_end();
    if text.is_empty() || text.ends_with(['.', ':', '!', '?']) {
        return false;
    }
    let next = next.trim_start();
    let first = next.split_whitespace().next().unwrap_or_default();
    // After a `;` only the sentence's next clause goes on ("…(đạt 42%);" / "mức độ 4: …"), not an item ("b) …").
    if text.ends_with(';') {
        return next.starts_with(char::is_lowercase) && !(first.ends_with(')') && first.chars().count() <= 4);
    }
    let token = first.trim_end_matches([',', ';', '%']);
    let count = token.starts_with(|c: char| c.is_ascii_digit())
        && token.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        && token.split(',').next().unwrap_or_default().split('.').skip(1).all(|group| group.len() == 3)
        && !token.ends_with(['.', ',']);
    next.starts_with(|c: char| c.is_lowercase() || c == '(') || count
}

/// Pieces of a line cut before each list marker that follows `:`, `.` or `;`.
fn inline_items(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut last_sign = None;
    let mut previous = None;
    for (at, c) in text.char_indices() {
        let marker = matches!(c, '-' | '+' | '*' | '•');
        let spaced = previous == Some(' ') && text[at + c.len_utf8()..].starts_with(' ');
        if marker && spaced && matches!(last_sign, Some(':' | '.' | ';')) && at > start {
            pieces.push(&text[start..at]);
            start = at;
        }
        if !c.is_whitespace() {
            last_sign = Some(c);
        }
        previous = Some(c);
    }
    pieces.push(&text[start..]);
    pieces
}

struct Reader<'a> {
    lines: &'a [Line],
    scanned: &'a [(Vec<Count>, Vec<Marker>)],
    /// Counts already read as a whole or a part: (line, count).
    used: HashSet<(usize, usize)>,
    statements: Vec<Statement>,
}

/// Exhaustive splits named by their parts: every member named means the
/// parts are all there is.
const SPLITS: &[&[&[&str]]] = &[
    &[&["trước hạn"], &["đúng hạn"], &["quá hạn"]],
    &[&["trong hạn", "chưa quá hạn"], &["quá hạn"]],
    &[&["chưa đến hạn"], &["quá hạn"]],
    &[&["đã hoàn thành", "hoàn thành"], &["chưa hoàn thành"]],
    &[&["nam"], &["nữ"]],
];

impl Reader<'_> {
    /// Reads one line; returns the count later percentage lines refer to.
    fn line(&mut self, index: usize, anchor: Option<(usize, usize)>) -> Option<(usize, usize)> {
        let line = &self.lines[index];
        let (counts, markers) = &self.scanned[index];
        let mut next_anchor = None;
        for (m, marker) in markers.iter().enumerate() {
            let Some(whole) = self.whole_before(index, marker) else { continue };
            let region_end = if marker.aside {
                // "1.156 hồ sơ (trong đó: trước hạn 847 hồ sơ, …)": the parts end with the bracket.
                (marker.end..line.chars.len()).find(|i| line.chars[*i] == ')').unwrap_or(line.chars.len())
            } else {
                markers.get(m + 1).map_or(line.chars.len(), |next| next.start)
            };
            // The count the next marker splits is a whole of its own, no part of this one
            // ("…; đã giải quyết 1.238 hồ sơ, trong đó …").
            let next_whole = markers.get(m + 1).and_then(|next| self.whole_before(index, next));
            let region_end = next_whole.map_or(region_end, |w| region_end.min(counts[w].start));
            let parts = self.inline_parts(index, whole, marker, region_end);
            // One count in brackets is a sub-count ("(Trong đó … bưu chính công ích: 67 hồ sơ)"), no split.
            if marker.aside && parts.len() < 2 {
                continue;
            }
            if parts.is_empty() {
                if line.words(marker.end, line.chars.len()).is_empty() {
                    if let Some(s) = self.bullet_list(index, whole, Some(marker)) {
                        self.statements.push(s);
                        next_anchor = Some((index, whole));
                    }
                }
                continue;
            }
            for c in parts.iter().chain([&whole]) {
                self.used.insert((index, *c));
            }
            let statement = self.statement(index, whole, parts, marker.exhaustive, true);
            self.statements.push(statement);
            next_anchor = Some((index, whole));
        }
        let solid: Vec<usize> = (0..counts.len()).filter(|c| !counts[*c].aside).collect();
        if let ([c], None) = (solid.as_slice(), next_anchor) {
            let free = counts[*c].percent.is_none() && !self.used.contains(&(index, *c));
            if free && markers.iter().all(|m| m.aside) {
                if let Some(s) = self.bullet_list(index, *c, None) {
                    self.statements.push(s);
                }
            }
        }
        // Lines under this one speak of its last count, when that is no share itself.
        if let Some(&last) = solid.last().filter(|c| counts[**c].percent.is_none()) {
            next_anchor = Some((index, last));
        }
        let free: Vec<usize> = solid.iter().copied().filter(|c| !self.used.contains(&(index, *c))).collect();
        self.percentages(index, anchor);
        if next_anchor.is_some() {
            return next_anchor;
        }
        let only_percentages = !free.is_empty() && free.iter().all(|c| counts[*c].percent.is_some());
        only_percentages.then_some(anchor).flatten()
    }

    /// The count a marker splits: the last count before it, with only its
    /// noun phrase and punctuation between ("841 hồ sơ. Trong đó:").
    fn whole_before(&self, index: usize, marker: &Marker) -> Option<usize> {
        let line = &self.lines[index];
        let (counts, _) = &self.scanned[index];
        let c = counts.iter().rposition(|c| c.end <= marker.start && !c.aside)?;
        let count = &counts[c];
        let from = count.percent_end.max(count.end);
        if marker.aside {
            let between = line.text(from, marker.start);
            let opens = between.trim_end().ends_with('(') && !between.contains(['.', ';', ')', ':']);
            return (!count.aside && opens && line.words(from, marker.start).len() <= 6).then_some(c);
        }
        let near = line.words(from, marker.start).len() <= 6 && !line.breaks(from, marker.start, true);
        let sentence_start = line.breaks(from, marker.start, false)
            && line.words(from, marker.start).is_empty()
            && line.chars[marker.start].is_uppercase();
        (!count.aside && (near || sentence_start)).then_some(c)
    }

    /// The parts after a marker in the same sentence: counts of the whole's
    /// unit, up to a count of another unit.
    fn inline_parts(&self, index: usize, whole: usize, marker: &Marker, region_end: usize) -> Vec<usize> {
        let line = &self.lines[index];
        let (counts, _) = &self.scanned[index];
        let unit = &counts[whole].unit;
        let mut parts = Vec::new();
        let mut before_semicolon = None;
        for (c, count) in counts.iter().enumerate() {
            if count.start < marker.end || count.start >= region_end || count.aside != marker.aside {
                continue;
            }
            if line.breaks(marker.end, count.start, false) || &count.unit != unit {
                break;
            }
            if line.breaks(marker.end, count.start, true) {
                before_semicolon.get_or_insert(parts.len());
                // A clause after a `;` that opens with a verb's marker says something else
                // ("…; đã giải quyết 836 hồ sơ"): list items are noun phrases.
                let semicolon = (marker.end..count.start).rev().find(|i| line.chars[*i] == ';').unwrap_or(marker.end);
                let opening = line.words(semicolon + 1, count.start);
                if opening.first().is_some_and(|w| ["đã", "đang", "sẽ", "được"].contains(&w.as_str())) {
                    break;
                }
            }
            parts.push(c);
        }
        // Parts after a `;` belong to the split unless those before it make the whole alone.
        if let Some(short) = before_semicolon {
            let sum = parts[..short].iter().map(|p| counts[*p].value.value).sum::<Decimal>();
            if short > 0 && sum == counts[whole].value.value {
                parts.truncate(short);
            }
        }
        parts
    }

    /// Parts on the list items under a line: each item one count of the
    /// whole's unit, items of another marker nested under them skipped.
    fn bullet_list(&mut self, index: usize, whole: usize, marker: Option<&Marker>) -> Option<Statement> {
        let own = self.lines[index].bullet;
        let unit = self.scanned[index].0[whole].unit.clone();
        let mut item_marker = None;
        let mut parts: Vec<(usize, usize)> = Vec::new();
        let mut certain = true;
        for next in index + 1..self.lines.len() {
            let line = &self.lines[next];
            let bullet = match line.bullet {
                Some('(') => continue,
                Some(b) if Some(b) != own => b,
                // A wrapped fragment of the item above ("80 %;") is no end of the list.
                None if line.words(0, line.chars.len()).len() < 4 => continue,
                _ => break,
            };
            if *item_marker.get_or_insert(bullet) != bullet {
                continue;
            }
            let counts = &self.scanned[next].0;
            let free: Vec<usize> = (0..counts.len()).filter(|c| !counts[*c].aside).collect();
            match free.as_slice() {
                [c] if counts[*c].unit == unit => parts.push((next, *c)),
                _ => certain = false,
            }
        }
        if parts.is_empty() {
            return None;
        }
        for part in &parts {
            self.used.insert(*part);
        }
        self.used.insert((index, whole));
        // Items with shares under a count no marker splits are sub-counts
        // ("+ Trình độ …: 17 người = 100%"): their shares are checked, not their sum.
        let shares = parts.iter().any(|(l, c)| self.scanned[*l].0[*c].percent.is_some());
        let sum = certain && (marker.is_some() || !shares);
        let mut statement = self.statement(index, whole, Vec::new(), marker.is_some_and(|m| m.exhaustive), sum);
        statement.parts = parts.iter().map(|(l, c)| self.part(*l, *c, self.scanned[*l].0[*c].percent)).collect();
        statement.exhaustive = statement.exhaustive || self.named_split(&statement);
        Some(statement)
    }

    /// Percentages not read with a split: tied to an earlier count of the
    /// same unit in the sentence that is no part itself, or to the line's
    /// anchor (the count a "+ Trình độ …: x người = y%" line sits under).
    fn percentages(&mut self, index: usize, anchor: Option<(usize, usize)>) {
        let line = &self.lines[index];
        let (counts, _) = &self.scanned[index];
        let mut on_anchor: Vec<usize> = Vec::new();
        for (c, count) in counts.iter().enumerate() {
            let Some(percent) = count.percent else { continue };
            if count.aside || self.used.contains(&(index, c)) {
                continue;
            }
            let candidates: Vec<usize> = (0..c)
                .rev()
                .filter(|w| {
                    let w_count = &counts[*w];
                    !w_count.aside
                        && w_count.percent.is_none()
                        && w_count.unit == count.unit
                        && w_count.value.value >= count.value.value
                        && !line.breaks(w_count.end, count.start, false)
                })
                .collect();
            let explains = |w: &usize| super::percent_agrees(count.value.value, counts[*w].value.value, percent);
            if let Some(w) = candidates.iter().find(|w| explains(w)).or(candidates.first()) {
                let part = self.part(index, c, Some(percent));
                let mut statement = self.statement(index, *w, Vec::new(), false, false);
                statement.parts = vec![part];
                self.statements.push(statement);
            } else if let Some((l, a)) = anchor {
                let whole = &self.scanned[l].0[a];
                if whole.unit == count.unit && whole.value.value >= count.value.value {
                    on_anchor.push(c);
                }
            }
        }
        // A line of shares under a count: several of them ("đại học 11 người = 69%; cao đẳng …"),
        // or an item nested under the count's own line.
        let nested = anchor.is_some_and(|(l, _)| line.bullet.is_some() && line.bullet != self.lines[l].bullet);
        if on_anchor.len() < 2 && !nested {
            on_anchor.clear();
        }
        if let (Some((l, a)), false) = (anchor, on_anchor.is_empty()) {
            let mut statement = self.statement(l, a, Vec::new(), false, false);
            statement.parts = on_anchor.iter().map(|c| self.part(index, *c, counts[*c].percent)).collect();
            statement.text = self.lines[index].text(0, usize::MAX);
            self.statements.push(statement);
        }
    }

    fn statement(&self, index: usize, whole: usize, parts: Vec<usize>, exhaustive: bool, sum: bool) -> Statement {
        let line = &self.lines[index];
        let count = &self.scanned[index].0[whole];
        let mut statement = Statement {
            label: self.whole_label(index, whole),
            value: count.value.value,
            unit: count.unit.clone(),
            percent: count.percent.map(|p| p.value),
            parts: parts.iter().map(|p| self.part(index, *p, self.scanned[index].0[*p].percent)).collect(),
            exhaustive,
            sum_checked: sum,
            text: line.text(0, usize::MAX),
            paragraph: line.paragraph,
            page: line.page,
        };
        statement.exhaustive = exhaustive || self.named_split(&statement);
        statement
    }

    fn part(&self, index: usize, c: usize, percent: Option<super::Printed>) -> Part {
        let line = &self.lines[index];
        let counts = &self.scanned[index].0;
        let count = &counts[c];
        let from = counts[..c]
            .iter()
            .rev()
            .map(|p| p.percent_end.max(p.tail_end))
            .find(|end| *end <= count.start)
            .unwrap_or(line.body)
            .max(self.scanned[index].1.iter().map(|m| m.end).filter(|e| *e <= count.start).max().unwrap_or(0));
        // The part's own words start after the last comma, semicolon or "và" before it.
        let from = (from..count.start)
            .rev()
            .find(|i| matches!(line.chars[*i], ',' | ';') || line.is_word(*i, "và"))
            .map_or(from, |i| i + 1);
        let before = clean_label(&line.text(from, count.start));
        let label = if before.is_empty() { line.text(count.end, count.tail_end).trim().to_owned() } else { before };
        let label = if label.is_empty() { count.unit.clone() } else { label };
        Part { label, value: count.value.value, percent }
    }

    /// The text before the whole in its clause ("Tổng số văn bản đến"); when
    /// it is no "label:" the unit's noun phrase is added ("UBND xã tổ chức
    /// cuộc kiểm tra").
    fn whole_label(&self, index: usize, c: usize) -> String {
        let line = &self.lines[index];
        let count = &self.scanned[index].0[c];
        let mut from = count.start;
        while from > line.body && !matches!(line.chars[from - 1], ',' | ';' | '.' | '(' | ')') {
            from -= 1;
        }
        let raw = line.text(from, count.start);
        let labelled = raw.trim_end().ends_with(':');
        let before = clean_label(&raw);
        let words: Vec<&str> = before.split(' ').collect();
        let before = words[words.len().saturating_sub(14)..].join(" ");
        if labelled && !before.is_empty() {
            before
        } else {
            let tail = line.text(count.end, count.tail_end);
            clean_label(&format!("{before} {} {}", count.unit, tail.trim()))
        }
    }

    fn named_split(&self, statement: &Statement) -> bool {
        let labels: Vec<String> = statement.parts.iter().map(|p| p.label.to_lowercase()).collect();
        let text = statement.text.to_lowercase();
        let staff = ["cán bộ, công chức", "cán bộ công chức", "cbcc"].iter().any(|s| text.contains(s));
        let staff_split: &[&[&str]] = &[&["cán bộ"], &["công chức"]];
        SPLITS.iter().copied().chain(staff.then_some(staff_split)).any(|split| covers(split, &labels))
    }
}

/// Every member of `split` is named by exactly one part, and every part names one.
fn covers(split: &[&[&str]], labels: &[String]) -> bool {
    if labels.len() != split.len() {
        return false;
    }
    let mut taken = vec![false; split.len()];
    for label in labels {
        let best = split
            .iter()
            .enumerate()
            .flat_map(|(m, names)| names.iter().map(move |n| (m, *n)))
            .filter(|(_, name)| has_phrase(label, name))
            .max_by_key(|(_, name)| name.len());
        match best {
            Some((m, _)) if !taken[m] => taken[m] = true,
            _ => return false,
        }
    }
    true
}

/// `phrase` occurs in `text` as whole words.
fn has_phrase(text: &str, phrase: &str) -> bool {
    let padded = format!(" {} ", text.split(|c: char| !c.is_alphanumeric()).collect::<Vec<_>>().join(" "));
    padded.contains(&format!(" {phrase} "))
}

/// A label without list markers, linking words and trailing punctuation.
fn clean_label(raw: &str) -> String {
    let mut text =
        raw.trim().trim_matches(|c: char| matches!(c, ':' | ',' | ';' | '-' | '+' | '*' | '•' | '=' | '(' | ')'));
    loop {
        let lower = text.to_lowercase();
        if ["và", "có", "là", "với", "trong đó", "gồm", "bao gồm"].contains(&lower.as_str()) {
            return String::new();
        }
        let stripped = ["và ", "có ", "là ", "với ", "trong đó ", "gồm ", "bao gồm ", "gồm: ", "trong đó: "]
            .iter()
            .find(|w| lower.starts_with(*w))
            .and_then(|w| text.get(w.len()..))
            .map(str::trim_start);
        match stripped {
            Some(rest) => text = rest,
            None => break,
        }
    }
    let text = text.trim().trim_end_matches([':', ',', ';', '=', '(']).trim();
    let lower = text.to_lowercase();
    for tail in [" là", " đạt", " có"] {
        if let Some(head) = lower.ends_with(tail).then(|| text.get(..text.len() - tail.len())).flatten() {
            return head.trim().to_owned();
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests;
