//! clap's own words in Vietnamese: the headings and flags of `--help` and the
//! usage errors. clap has no translations, so its rendered text is rewritten
//! phrase by phrase; a test runs every kind of usage error and every help page
//! through the binary and fails on English left over.

use std::process::ExitCode;
use std::sync::LazyLock;

use clap::error::ErrorKind;
use regex::Regex;

/// (clap's phrase, ours), applied in order, line by line.
const PHRASES: &[(&str, &str)] = &[
    (r"^error: ", "lỗi: "),
    (r"unexpected argument '([^']*)' found", "tham số không hợp lệ '$1'"),
    (r"tip: to pass '([^']*)' as a value, use '([^']*)'", "gợi ý: muốn dùng '$1' làm giá trị thì viết '$2'"),
    (r"tip: a similar (argument|subcommand) exists: (.*)", "gợi ý: có tham số gần giống: $2"),
    (r"tip: some similar (arguments|subcommands) exist: (.*)", "gợi ý: có các tham số gần giống: $2"),
    (r"the following required arguments were not provided:", "thiếu các tham số bắt buộc:"),
    (r"invalid value '([^']*)' for '([^']*)'", "giá trị '$1' không hợp lệ cho '$2'"),
    (r"a value is required for '([^']*)' but none was supplied", "'$1' cần một giá trị"),
    (r"unrecognized subcommand '([^']*)'", "không có lệnh '$1'"),
    (r"the argument '([^']*)' cannot be used with '([^']*)'", "không dùng được '$1' cùng với '$2'"),
    (r"the argument '([^']*)' cannot be used with:", "không dùng được '$1' cùng với:"),
    (r"the argument '([^']*)' cannot be used multiple times", "'$1' chỉ được dùng một lần"),
    (r"'([^']*)' requires a subcommand but one was not provided", "'$1' cần một lệnh"),
    (r"unexpected value '([^']*)' for '([^']*)' found; no more were expected", "giá trị thừa '$1' cho '$2'"),
    (r"equal sign is needed when assigning values to '([^']*)'", "cần dấu = khi gán giá trị cho '$1'"),
    (r"invalid UTF-8 was detected", "có ký tự không phải UTF-8"),
    (r"(\S+) is not in (\S+)", "$1 không nằm trong khoảng $2"),
    (r"invalid digit found in string", "không phải số"),
    (r"cannot parse integer from empty string", "giá trị trống"),
    (r"number too large to fit in target type", "số quá lớn"),
    (r"number too small to fit in target type", "số quá nhỏ"),
    (r"For more information, try '([^']*)'\.", "Xem thêm: '$1'."),
    (r"^Usage: ", "Cách dùng: "),
    (r"^Arguments:$", "Tham số:"),
    (r"^Options:$", "Tuỳ chọn:"),
    (r"^Commands:$", "Lệnh:"),
    (r"\[OPTIONS\]", "[TUỲ CHỌN]"),
    (r"<COMMAND>", "<LỆNH>"),
    (r"\[default: ([^\]]*)\]", "[mặc định: $1]"),
    (r"\[possible values: ([^\]]*)\]", "[giá trị: $1]"),
    (r"possible values: ", "giá trị có thể: "),
    (r"Print help \(see more with '--help'\)", "In hướng dẫn (chi tiết: '--help')"),
    (r"Print help \(see a summary with '-h'\)", "In hướng dẫn (tóm tắt: '-h')"),
    (r"Print help", "In hướng dẫn"),
    (r"Print version", "In phiên bản"),
];

static RULES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    PHRASES
        .iter()
        .map(|&(pattern, ours)| (Regex::new(&format!("(?m){pattern}")).expect("phrase pattern"), ours))
        .collect()
});

/// clap's rendered text with its phrases in Vietnamese.
pub fn translate(text: &str) -> String {
    RULES.iter().fold(text.to_owned(), |text, (pattern, ours)| pattern.replace_all(&text, *ours).into_owned())
}

/// Shows a help page or version on stdout (exit 0), a usage error on stderr (exit 2).
pub fn exit(error: clap::Error, usage_status: u8) -> ExitCode {
    let text = translate(&error.render().to_string());
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("{text}");
            ExitCode::from(usage_status)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_phrases_come_out_in_vietnamese() {
        let clap = "error: unexpected argument '--bogus' found\n\n  tip: to pass '--bogus' as a value, use '-- --bogus'\n\nUsage: parcheck check [OPTIONS] <PATH>...\n\nFor more information, try '--help'.\n";
        assert_eq!(
            translate(clap),
            "lỗi: tham số không hợp lệ '--bogus'\n\n  gợi ý: muốn dùng '--bogus' làm giá trị thì viết '-- --bogus'\n\nCách dùng: parcheck check [TUỲ CHỌN] <PATH>...\n\nXem thêm: '--help'.\n"
        );
        assert_eq!(
            translate("      --ocr <OCR>  Trang quét [default: auto] [possible values: auto, never]"),
            "      --ocr <OCR>  Trang quét [mặc định: auto] [giá trị: auto, never]"
        );
    }
}
