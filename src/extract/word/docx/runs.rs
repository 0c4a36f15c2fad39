//! Where text goes: paragraphs opening in a cell or in the prose, list labels
//! placed before a paragraph's first text, each run's font and hidden state
//! resolved through its style and its paragraph's, hidden text kept aside for
//! the notes, and finished prose paragraphs. Apart from the element handling
//! of [`DocumentReader`]'s `open`/`close` because it is what happens to the
//! text once an element has been recognised.

use super::{excerpt, DocumentReader, ParagraphState, MAX_HIDDEN_NOTES};
use crate::grid::{append_run, Paragraph, Run};

impl<'b> DocumentReader<'b> {
    pub(super) fn start_paragraph(&mut self) {
        if let Some(cell) = self.open_cell() {
            if cell.paragraphs > 0 && !cell.joins_next {
                cell.runs.push(Run::plain("\n"));
            }
            cell.joins_next = false;
            cell.paragraphs += 1;
        }
    }

    /// Places the open paragraph's list label, once, before its first text.
    pub(super) fn label_paragraph(&mut self) {
        let Some(p) = self.paragraphs.last_mut() else { return };
        if p.labelled {
            return;
        }
        p.labelled = true;
        if self.numbering.is_empty() {
            return;
        }
        let (style, num_id, ilvl) = (p.style.clone(), p.num_id.clone(), p.ilvl);
        // A hidden paragraph shows no label and, not being shown, does not count.
        if self.paragraphs.last().is_some_and(|p| self.mark_hidden(p)) {
            return;
        }
        let from_style = self.styles.numbering(style.as_deref());
        let Some(num_id) = num_id.or_else(|| from_style.as_ref().map(|(n, _)| n.clone())) else {
            return;
        };
        // The level: the paragraph's own, its style's, or the list level that names the style.
        let ilvl = ilvl
            .or_else(|| from_style.and_then(|(_, l)| l))
            .or_else(|| {
                let chain = self.styles.chain(style.as_deref());
                chain.iter().find_map(|s| self.numbering.level_of_style(&num_id, s))
            })
            .unwrap_or(0);
        if let Some(label) = self.counters.next(&self.numbering, &num_id, ilvl) {
            self.push_run(&label, None);
        }
    }

    /// Whether a paragraph's mark is hidden: its own setting, else its style's.
    pub(super) fn mark_hidden(&self, p: &ParagraphState) -> bool {
        self.styles.hidden(p.mark_hidden, None, p.style.as_deref())
    }

    pub(super) fn current_font(&self) -> Option<String> {
        let run = self.runs.last();
        let paragraph_style = self.paragraphs.last().and_then(|p| p.style.as_deref());
        self.styles.font(run.and_then(|r| r.font.as_deref()), run.and_then(|r| r.style.as_deref()), paragraph_style)
    }

    fn current_run_hidden(&self) -> bool {
        let paragraph_style = self.paragraphs.last().and_then(|p| p.style.as_deref());
        match self.runs.last() {
            Some(run) => self.styles.hidden(run.hidden, run.style.as_deref(), paragraph_style),
            None => self.styles.hidden(None, None, paragraph_style),
        }
    }

    pub(super) fn push_text(&mut self, text: &str) {
        if self.current_run_hidden() {
            match self.open_cell() {
                Some(cell) => cell.hidden.push_str(text),
                None => self.prose_hidden.push_str(text),
            }
            return;
        }
        let font = self.current_font();
        self.push_run(text, font);
    }

    pub(super) fn push_run(&mut self, text: &str, font: Option<String>) {
        let target = match self.open_cell() {
            Some(cell) => &mut cell.runs,
            None => &mut self.prose_runs,
        };
        append_run(target, text, font.as_deref());
    }

    pub(super) fn note_hidden(&mut self, note: String) {
        self.hidden_notes += 1;
        if self.hidden_notes <= MAX_HIDDEN_NOTES {
            self.notes.push(note);
        }
    }

    pub(super) fn finish_prose_paragraph(&mut self) {
        let hidden = std::mem::take(&mut self.prose_hidden);
        if hidden.chars().any(|c| c.is_ascii_digit()) {
            let page = if self.pages_rendered { format!(" (trang {})", self.page) } else { String::new() };
            self.note_hidden(format!(
                "Đoạn văn{page} có chữ ẩn «{}» (Word không hiển thị), đã bỏ qua khi đọc",
                excerpt(&hidden)
            ));
        }
        if self.prose_runs.iter().any(|r| !r.text.trim().is_empty()) {
            let runs = std::mem::take(&mut self.prose_runs);
            self.prose.push(Paragraph::new(runs, Some(self.page)));
        } else {
            self.prose_runs.clear();
        }
    }
}
