//! Codes OCR misread or lost on rows read from a scan, put right by the
//! rows around them: a Roman numeral read as bars, codes whose dots or first
//! digits were lost, and leaves of a running-number table whose code was lost.

use super::{RowKind, TableRow};
use crate::code::{digits, next_codes, parse_code, structural_parent};
use crate::model::CellField;
use crate::text::fold;

/// Repairs the codes of `rows`. `barred` are the rows taken for a Roman
/// group because their code cell read as bars ([`bars_numeral`]);
/// `code_texts` what each row's code column holds, running numbers when
/// `running_numbers`; `carried` the last code of the table's piece before
/// (the page before), which the first rows follow.
pub(super) fn repair(
    rows: &mut [TableRow],
    barred: &[usize],
    code_texts: &[&str],
    running_numbers: bool,
    carried: Option<&str>,
) {
    for &i in barred {
        // Only a group heading stands right before a section.
        let next = rows[i + 1..].iter().find(|r| matches!(r.kind, RowKind::Criterion | RowKind::Roman));
        if !next.is_some_and(|r| r.kind == RowKind::Criterion && r.code.as_deref().is_some_and(|c| !c.contains('.'))) {
            (rows[i].kind, rows[i].code) = (RowKind::Unnumbered, None);
            rows[i].cells.set(CellField::Code, None);
        }
    }
    // Every repair below changes only rows read from a scan: a table without
    // one (a spreadsheet's) is not searched for them.
    if !rows.iter().any(|r| r.from_scan) {
        return;
    }
    repair_scanned_codes(rows, carried);
    if running_numbers {
        let mut numbers: Vec<Option<u32>> = code_texts.iter().map(|t| running_number(t)).collect();
        mend_running_numbers(&mut numbers);
        recover_misread_digit(rows, carried);
        recover_group_rows(rows, code_texts, true, carried);
        recover_numbered_leaves(rows, &numbers);
    } else {
        recover_dotless_codes(rows, code_texts, carried);
        recover_misread_digit(rows, carried);
        recover_group_rows(rows, code_texts, false, carried);
    }
}

/// The code of the criterion row before row `i` (`carried` from the page
/// before when none is), and of the one after it.
fn neighbours<'r>(rows: &'r [TableRow], i: usize, carried: Option<&'r str>) -> (Option<&'r str>, Option<&'r str>) {
    fn code(r: &TableRow) -> Option<&str> {
        (r.kind == RowKind::Criterion).then_some(r.code.as_deref()).flatten()
    }
    (rows[..i].iter().rev().find_map(code).or(carried), rows[i + 1..].iter().find_map(code))
}

/// Whether a criterion row holds `code`.
fn held(rows: &[TableRow], code: &str) -> bool {
    rows.iter().any(|r| r.kind == RowKind::Criterion && r.code.as_deref() == Some(code))
}

/// A code cell OCR read without its dots (`131` after `1.3`, which `1.3.1`
/// may follow) — or with a comma for a dot (`5,21` after `5.2`, read as the
/// code `5`) — is the one code that may follow the criterion before it whose
/// digits those are, when no row holds that code. Not in a running-number
/// column, whose numbers are no codes.
fn recover_dotless_codes(rows: &mut [TableRow], code_texts: &[&str], carried: Option<&str>) {
    for (i, text) in code_texts.iter().enumerate().take(rows.len()) {
        let text = text.trim().trim_end_matches('.');
        let read = digits(text);
        let dotless = (3..=5).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
        let comma = text.contains(',')
            && (2..=5).contains(&read.len())
            && text.bytes().all(|b| b.is_ascii_digit() || b == b',' || b == b'.');
        let misread = match rows[i].kind {
            RowKind::Unnumbered => dotless || comma,
            RowKind::Criterion => comma,
            _ => false,
        };
        if !(misread && rows[i].from_scan) {
            continue;
        }
        let Some(before) = neighbours(rows, i, carried).0 else { continue };
        let fitting: Vec<String> = next_codes(before).into_iter().filter(|c| digits(c) == read).collect();
        if let [code] = fitting.as_slice() {
            if !held(rows, code) {
                (rows[i].kind, rows[i].code) = (RowKind::Criterion, Some(code.clone()));
            }
        }
    }
}

/// A scanned code with one digit misread (`7.3.3` between `7.2.2` and
/// `7.2.4`), one digit too many (`4.43` between `4.2.3` and `4.3.1`) or one
/// lost (`2.2` between `2.2.1` and `2.2.3`), its dots lost or moved as well
/// (`22.43` for `2.2.3`), that neither follows the
/// criterion before it nor may be followed by the one after it is the one
/// code, differing in that digit only, that does both — when no row holds it.
fn recover_misread_digit(rows: &mut [TableRow], carried: Option<&str>) {
    for i in 0..rows.len() {
        let Some(code) = rows[i].code.clone().filter(|_| rows[i].from_scan && rows[i].kind == RowKind::Criterion)
        else {
            continue;
        };
        let (Some(before), Some(after)) = neighbours(rows, i, carried) else { continue };
        if follows(before, &code) || follows(&code, after) {
            continue;
        }
        // One character off, dots in place (`41.4` for `4.4`, not `4.3.4`)…
        let one_off = |c: &String| {
            let misread = c.len() == code.len() && c.chars().zip(code.chars()).filter(|(a, b)| a != b).count() == 1;
            let extra = (0..code.len()).any(|k| {
                code.as_bytes()[k].is_ascii_digit()
                    && code.len() == c.len() + 1
                    && code[..k] == c[..k]
                    && code[k + 1..] == c[k..]
            });
            misread || extra
        };
        // …or, where none is, one digit off, the dots lost or moved too (a
        // thick copy's `22.43` for `2.2.3`).
        let read = digits(&code);
        let digit_off = |c: &String| {
            let wanted = digits(c);
            let misread =
                wanted.len() == read.len() && wanted.chars().zip(read.chars()).filter(|(a, b)| a != b).count() <= 1;
            let extra = read.len() == wanted.len() + 1
                && (0..read.len()).any(|k| read[..k] == wanted[..k] && read[k + 1..] == wanted[k..]);
            let lost = wanted.len() == read.len() + 1
                && (0..wanted.len()).any(|k| wanted[..k] == read[..k] && wanted[k + 1..] == read[k..]);
            misread || extra || lost
        };
        let candidates: Vec<String> = next_codes(before).into_iter().filter(|c| follows(c, after)).collect();
        let mut fitting: Vec<&String> = candidates.iter().filter(|c| one_off(c)).collect();
        if fitting.is_empty() {
            fitting = candidates.iter().filter(|c| digit_off(c)).collect();
        }
        if let [fits] = fitting.as_slice() {
            if !held(rows, fits) {
                rows[i].code = Some((*fits).clone());
            }
        }
    }
}

/// A group row whose code OCR garbled after its `TC` prefix (`TC 7... Cung
/// cấp`, in its title or its code cell) — or, in a running-number table,
/// which numbers leaves only, an unnumbered row of scores whose code and
/// title OCR lost alike — is the parent of the next code read, when that
/// parent may follow the criterion before it and no row holds it.
fn recover_group_rows(rows: &mut [TableRow], code_texts: &[&str], running_numbers: bool, carried: Option<&str>) {
    for i in 0..rows.len() {
        let prefixed = |text: &str| fold(text).starts_with("tc ");
        let code_text = code_texts.get(i).copied().unwrap_or_default();
        let titled = prefixed(&rows[i].title) || prefixed(code_text);
        let blank = |text: &str| !text.chars().any(char::is_alphanumeric);
        let lost_group = running_numbers && blank(code_text) && blank(&rows[i].title) && !rows[i].values.is_empty();
        if !(rows[i].from_scan && rows[i].kind == RowKind::Unnumbered && (titled || lost_group)) {
            continue;
        }
        let (Some(before), Some(after)) = neighbours(rows, i, carried) else { continue };
        let Some(parent) = structural_parent(after).map(str::to_owned) else { continue };
        if follows(before, &parent) && !held(rows, &parent) {
            (rows[i].kind, rows[i].code) = (RowKind::Criterion, Some(parent));
        }
    }
}

/// `I`, `II`, `III` as OCR reads a bold serif numeral in a code cell: one
/// bar (`]`, `|`, `l`, `Í`, `!`) per stroke.
pub(super) fn bars_numeral(code_text: &str) -> Option<String> {
    let bars = code_text.trim().trim_end_matches('.');
    let strokes = bars.chars().count();
    ((1..=3).contains(&strokes) && bars.chars().all(|c| "|[]lIÍ!¡".contains(c))).then(|| "I".repeat(strokes))
}

/// A running-number table numbers its leaf criteria (`28`, `29`, …) in the
/// first column and writes their codes in the title. A scanned row whose
/// code OCR lost but whose number comes right after a leaf's is the next
/// leaf: the first child of the group row before it, or else that leaf's
/// next sibling — when it holds scores, no row after it has that code, and
/// the next criterion read may follow it.
fn recover_numbered_leaves(rows: &mut [TableRow], numbers: &[Option<u32>]) {
    let mut last_leaf: Option<(usize, u32)> = None;
    for i in 0..rows.len().min(numbers.len()) {
        let Some(number) = numbers[i] else { continue };
        if rows[i].kind == RowKind::Criterion && rows[i].code.as_deref().is_some_and(|c| c.contains('.')) {
            last_leaf = Some((i, number));
            continue;
        }
        let Some((leaf, before)) = last_leaf.filter(|&(_, n)| n + 1 == number) else { continue };
        if !(rows[i].from_scan && rows[i].kind == RowKind::Unnumbered) || rows[i].values.is_empty() {
            continue;
        }
        let Some(previous) = rows[..i].iter().rposition(|r| r.kind == RowKind::Criterion) else { continue };
        let Some(code) = rows[previous].code.as_deref() else { continue };
        // After a leaf comes a sibling of it or of one of its ancestors
        // (`4.3.4` or `4.4` after `4.3.3`), after a group its first child: a
        // guess only when the criterion read next leaves one of them.
        let guesses: Vec<String> = if previous == leaf { leaves_after(code) } else { vec![format!("{code}.1")] };
        let later = &rows[i + 1..];
        let taken =
            |guess: &str| later.iter().any(|r| r.kind == RowKind::Criterion && r.code.as_deref() == Some(guess));
        // The next criterion read may come after the numbered rows between that lost their codes too.
        let next = later.iter().position(|r| r.kind == RowKind::Criterion);
        let next_code = next.and_then(|k| later[k].code.as_deref());
        let between = &later[..next.unwrap_or(0)];
        let skipped = lost_codes(between.iter().zip(&numbers[i + 1..]).filter(|(_, n)| n.is_some()).map(|(r, _)| r));
        // A numbered row is a leaf: the next code read is no child of it.
        let fits = |guess: &String| {
            let after_leaf = |code: &str| match skipped {
                0 => leaves_or_groups_after(guess).iter().any(|c| c == code),
                _ => leaves_or_groups_after(guess).iter().any(|c| reaches(c, code, skipped - 1)),
            };
            !taken(guess) && next_code.is_none_or(after_leaf)
        };
        let fitting: Vec<String> = guesses.into_iter().filter(fits).collect();
        if let [guess] = fitting.as_slice() {
            (rows[i].kind, rows[i].code) = (RowKind::Criterion, Some(guess.clone()));
            last_leaf = Some((i, before + 1));
            continue;
        }
        // Several fit: the leaves numbered on up to the next criterion read,
        // all without their codes, may leave one way through (`1.1.3`, `1.2`
        // between `1.1.2` and `1.3`, where `1.1.3`, `1.1.4` cannot reach `1.3`).
        let (Some(next), Some(next_code)) = (next, next_code) else { continue };
        let run = i..=i + next;
        let numbered_on = run.clone().all(|k| {
            let row = &rows[k];
            row.from_scan
                && row.kind == RowKind::Unnumbered
                && !row.values.is_empty()
                && numbers.get(k).copied().flatten() == Some(number + (k - i) as u32)
        });
        if !numbered_on || run.clone().count() > MOST_LEAVES_THROUGH {
            continue;
        }
        let Ok([path]) = <[Vec<String>; 1]>::try_from(ways_through(&fitting, next + 1, next_code, &taken)) else {
            continue;
        };
        for (k, code) in run.zip(path) {
            (rows[k].kind, rows[k].code) = (RowKind::Criterion, Some(code));
        }
    }
}

/// The number a running-number cell holds (`60`, `6. CẢI CÁCH` too).
pub(super) fn running_number(text: &str) -> Option<u32> {
    parse_code(text).filter(|m| !m.roman && m.depth() == 1).and_then(|m| m.code.parse().ok())
}

/// A running number OCR misread by one digit (`6` for `60`, `83` for `63`,
/// `344` for `34`) between the numbers before and after it, which leave it
/// one value (`59`, `6`, `61`), is that value.
pub(super) fn mend_running_numbers(numbers: &mut [Option<u32>]) {
    let numbered: Vec<usize> = (0..numbers.len()).filter(|&i| numbers[i].is_some()).collect();
    for window in numbered.windows(3) {
        let [before, i, after] = [window[0], window[1], window[2]].map(|k| numbers[k]);
        let (Some(before), Some(read), Some(after)) = (before, i, after) else { continue };
        let wanted = before + 1;
        if after == wanted + 1 && read != wanted && strsim::levenshtein(&read.to_string(), &wanted.to_string()) == 1 {
            numbers[window[1]] = Some(wanted);
        }
    }
}

/// At most this many leaves that lost their codes in a row are numbered through.
const MOST_LEAVES_THROUGH: usize = 4;

/// The codes that may come right after the leaf `code`: the next sibling
/// of it or of one of its ancestors, not a child (`1.1.3`, `1.2`, `2` after `1.1.2`).
fn leaves_or_groups_after(code: &str) -> Vec<String> {
    next_codes(code).into_iter().skip(1).collect()
}

/// The criteria [`leaves_or_groups_after`] the leaf `code` that may be
/// leaves too (a section is none).
fn leaves_after(code: &str) -> Vec<String> {
    leaves_or_groups_after(code).into_iter().filter(|c| c.contains('.')).collect()
}

/// Every way `count` leaves, the first one of `firsts`, each after the one
/// before ([`leaves_after`]), none `taken`, lead to `next`.
fn ways_through(firsts: &[String], count: usize, next: &str, taken: &dyn Fn(&str) -> bool) -> Vec<Vec<String>> {
    let mut ways: Vec<Vec<String>> = firsts.iter().map(|first| vec![first.clone()]).collect();
    for _ in 1..count {
        ways = ways
            .into_iter()
            .flat_map(|way| {
                let after = way.last().map_or_else(Vec::new, |last| leaves_after(last));
                after.into_iter().filter(|c| !taken(c)).map(move |c| [way.clone(), vec![c]].concat())
            })
            .collect();
    }
    ways.retain(|way| way.last().is_some_and(|last| leaves_or_groups_after(last).iter().any(|c| c == next)));
    ways
}

/// Codes OCR misread, put right by the codes around them, on rows read from
/// a scan only: a bold Roman `I` read as `1` just before section `1`, a bold
/// `1` read as `I` just before criterion `1.1`, and a
/// code whose dots were lost or moved (`11`, `23.1`) whose digits, one per
/// level, give the code that comes next (`1.1` after `1`, `2.3.1` after `2.3`).
fn repair_scanned_codes(rows: &mut [TableRow], carried: Option<&str>) {
    recover_truncated_codes(rows);
    for i in 0..rows.len() {
        if rows[i].from_scan && rows[i].kind == RowKind::Roman && rows[i].code.as_deref() == Some("I") {
            let next = rows[i + 1..].iter().find(|r| matches!(r.kind, RowKind::Criterion | RowKind::Roman));
            if next.is_some_and(|r| r.kind == RowKind::Criterion && r.code.as_deref() == Some("1.1")) {
                (rows[i].kind, rows[i].code) = (RowKind::Criterion, Some("1".to_owned()));
            }
        }
    }
    let coded: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].kind == RowKind::Criterion).collect();
    // The last code read in order and the first row after it: a code whose
    // dots were lost and could not be put back (`22.43`) is no guide for the
    // codes after it.
    let mut previous: Option<(String, usize)> = carried.map(|c| (c.to_owned(), 0));
    for (k, &i) in coded.iter().enumerate() {
        let Some(code) = rows[i].code.clone() else { continue };
        if rows[i].from_scan && code == "1" && coded.get(k + 1).is_some_and(|&n| rows[n].code.as_deref() == Some("1")) {
            // Unless the second lost its dot (`TC 1 1.`): `1.1.1` follows it.
            let second = coded[k + 1];
            if rows[second].from_scan && coded.get(k + 2).is_some_and(|&n| rows[n].code.as_deref() == Some("1.1.1")) {
                rows[second].code = Some("1.1".to_owned());
            } else {
                (rows[i].kind, rows[i].code) = (RowKind::Roman, Some("I".to_owned()));
                continue;
            }
        }
        let redotted: String =
            code.chars().filter(char::is_ascii_digit).map(String::from).collect::<Vec<_>>().join(".");
        let Some((before, from)) = previous.as_ref().filter(|_| rows[i].from_scan && redotted != code) else {
            previous = Some((code, i + 1));
            continue;
        };
        if follows(before, &code) {
            previous = Some((code, i + 1));
        } else if reaches(before, &redotted, lost_codes(&rows[*from..i])) {
            rows[i].code = Some(redotted.clone());
            previous = Some((redotted, i + 1));
        }
    }
}

/// How many of `rows`, read from a scan, hold scores but no code: criteria
/// whose codes OCR lost.
fn lost_codes<'r>(rows: impl IntoIterator<Item = &'r TableRow>) -> usize {
    rows.into_iter().filter(|r| r.from_scan && r.kind == RowKind::Unnumbered && !r.values.is_empty()).count()
}

/// Whether `code` may come after `before` with at most `skipped` codes
/// between (`1.3.2` after `1.3` with `1.3.1` on a row that lost its code).
fn reaches(before: &str, code: &str, skipped: usize) -> bool {
    let mut frontier = vec![before.to_owned()];
    for _ in 0..=skipped.min(3) {
        if frontier.iter().any(|c| follows(c, code)) {
            return true;
        }
        frontier = frontier.iter().flat_map(|c| next_codes(c)).collect();
    }
    false
}

/// An unnumbered row read from a scan whose title starts with the end of a
/// code, its first digits lost (`22: Công khai …` after `3.2.1`), is the
/// criterion after the one before it (`3.2.2`) when those digits end that
/// code and the next criterion is not it.
fn recover_truncated_codes(rows: &mut [TableRow]) {
    let mut previous: Option<String> = None;
    for i in 0..rows.len() {
        match rows[i].kind {
            RowKind::Criterion => previous = rows[i].code.clone(),
            RowKind::Unnumbered if rows[i].from_scan => {
                let Some(before) = previous.as_deref().filter(|c| c.contains('.')) else { continue };
                let title = rows[i].title.trim_start();
                let token_len =
                    title.find(|c: char| !(c.is_ascii_digit() || ".,:;".contains(c))).unwrap_or(title.len());
                let digits: String = title[..token_len].chars().filter(char::is_ascii_digit).collect();
                let (head, last) = before.rsplit_once('.').unwrap_or(("", before));
                let Ok(last) = last.parse::<u32>() else { continue };
                let next = format!("{head}.{}", last + 1);
                let next_digits: String = next.chars().filter(char::is_ascii_digit).collect();
                let taken = rows[i + 1..].iter().find(|r| r.kind == RowKind::Criterion).and_then(|r| r.code.as_deref());
                if digits.len() >= 2 && next_digits.ends_with(&digits) && next_digits != digits && taken != Some(&next)
                {
                    rows[i].title = title[token_len..].trim().to_owned();
                    (rows[i].kind, rows[i].code) = (RowKind::Criterion, Some(next.clone()));
                    previous = Some(next);
                }
            }
            _ => {}
        }
    }
}

/// Whether `code` may come right after `before` in a criteria table: its
/// first child, or the next sibling of it or of one of its ancestors.
fn follows(before: &str, code: &str) -> bool {
    let parts: Vec<u32> = before.split('.').filter_map(|p| p.parse().ok()).collect();
    if format!("{before}.1") == code {
        return true;
    }
    (1..=parts.len()).any(|n| {
        let mut next = parts[..n].to_vec();
        next[n - 1] += 1;
        next.iter().map(u32::to_string).collect::<Vec<_>>().join(".") == code
    })
}

#[cfg(test)]
mod tests;
