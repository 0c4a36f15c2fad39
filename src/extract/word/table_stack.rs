//! The tables a streaming reader (.docx, .odt) has open, innermost last, and
//! those it has closed. A table is numbered when it opens, so an outer table
//! numbers before the tables nested in it and the document lists them in that
//! order; its rows are located by that number. Which cells a row holds
//! (vertical merges, spans, repeats) stays with each format's reader.

use crate::grid::{Table, TableBuilder};

/// One open table: its rows (numbered when it opens, 1-based in document
/// order), and the reader's state for the row and cell being built plus any
/// per-table state `X` of its own.
pub(crate) struct OpenTable<R, C, X = ()> {
    pub table: TableBuilder,
    pub row: Option<R>,
    pub cell: Option<C>,
    pub extra: X,
}

pub(crate) struct TableStack<R, C, X = ()> {
    open: Vec<OpenTable<R, C, X>>,
    opened: usize,
    closed: Vec<(usize, Table)>,
}

impl<R, C, X> Default for TableStack<R, C, X> {
    fn default() -> Self {
        TableStack { open: Vec::new(), opened: 0, closed: Vec::new() }
    }
}

impl<R, C, X: Default> TableStack<R, C, X> {
    /// Opens a table inside the innermost open one (or at the top level).
    pub fn open(&mut self) {
        self.opened += 1;
        self.open.push(OpenTable { table: TableBuilder::new(self.opened), row: None, cell: None, extra: X::default() });
    }
}

impl<R, C, X> TableStack<R, C, X> {
    /// The innermost open table.
    pub fn current(&mut self) -> Option<&mut OpenTable<R, C, X>> {
        self.open.last_mut()
    }

    /// How many tables are open.
    pub fn depth(&self) -> usize {
        self.open.len()
    }

    /// Closes the innermost open table.
    pub fn close(&mut self) {
        if let Some(t) = self.open.pop() {
            self.closed.push((t.table.index(), t.table.finish()));
        }
    }

    /// Drops the tables left open (a part that ended inside a table).
    pub fn discard_open(&mut self) {
        self.open.clear();
    }

    /// Closes what is still open; the tables in document order. Without
    /// recorded page breaks the rows carry no page (it would be a guess).
    pub fn finish(mut self, pages_rendered: bool) -> Vec<Table> {
        while !self.open.is_empty() {
            self.close();
        }
        let mut tables = self.closed;
        tables.sort_by_key(|(index, _)| *index);
        let mut tables: Vec<Table> = tables.into_iter().map(|(_, t)| t).collect();
        if !pages_rendered {
            tables.iter_mut().flat_map(|t| t.rows.iter_mut()).for_each(|row| row.location.page = None);
        }
        tables
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Location, RowBuilder, Run, VerticalMerge};

    fn row(text: &str, page: u32) -> RowBuilder {
        let mut row = RowBuilder::new(Some(page));
        row.push(1, VerticalMerge::None, vec![Run::plain(text)]);
        row
    }

    fn first_texts(tables: &[Table]) -> Vec<String> {
        tables.iter().map(|t| t.rows[0].cells[0].raw_text()).collect()
    }

    #[test]
    fn an_outer_table_numbers_and_lists_before_the_tables_nested_in_it() {
        let mut stack: TableStack<(), ()> = TableStack::default();
        stack.open();
        let mut outer = row("outer", 2);
        outer.set_header(true);
        stack.current().unwrap().table.push(outer);
        stack.open();
        assert_eq!(stack.depth(), 2);
        stack.current().unwrap().table.push(row("inner", 3));
        stack.close();
        stack.open();
        stack.current().unwrap().table.push(row("second inner", 3));
        let tables = stack.finish(true);
        assert_eq!(first_texts(&tables), ["outer", "inner", "second inner"]);
        let outer = &tables[0].rows[0];
        assert_eq!(outer.location, Location { table: 1, row: 1, page: Some(2), sheet: None });
        assert!(outer.repeats_as_header);
        assert_eq!(tables[2].rows[0].location.table, 3);
    }

    #[test]
    fn without_rendered_pages_rows_carry_no_page_and_discarded_tables_are_gone() {
        let mut stack: TableStack<(), ()> = TableStack::default();
        stack.open();
        stack.current().unwrap().table.push(row("kept", 4));
        stack.current().unwrap().table.push(row("kept too", 4));
        stack.close();
        stack.open();
        stack.current().unwrap().table.push(row("left open", 4));
        stack.discard_open();
        assert_eq!(stack.depth(), 0);
        let tables = stack.finish(false);
        assert_eq!(first_texts(&tables), ["kept"]);
        let rows: Vec<_> = tables[0].rows.iter().map(|r| (r.location.row, r.location.page)).collect();
        assert_eq!(rows, [(1, None), (2, None)]);
    }
}
