//! What the user sees of a panic that a document's reader hit: one line, the
//! document itself is reported as an error and the batch goes on.

/// Panics inside a reader are contained per document (its `error`, the
/// panic's text and place in `error_detail`): one line on stderr says so,
/// without the default hook's backtrace, whose symbol tables cost a hundred
/// megabytes. `RUST_BACKTRACE` still adds one, except under `--quiet`.
pub fn install_hook(quiet: bool) {
    let backtrace = !quiet && std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    std::panic::set_hook(Box::new(move |info| {
        let text = parcheck::pipeline::record_panic(info);
        eprintln!(
            "parcheck: lỗi nội bộ ({text}); tài liệu đang đọc được ghi là lỗi, các tài liệu khác vẫn được kiểm tra"
        );
        if backtrace {
            eprintln!("{}", std::backtrace::Backtrace::force_capture());
        }
    }));
}
