use std::path::Path;

use super::*;
use crate::config::Limits;
use crate::extract::ErrorKind;

fn budget() -> Budget {
    Budget::new(Limits::default())
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/codecs").join(name)).unwrap()
}

/// The image as rows of `#` (black) and `.` (white).
fn picture(gray: &Gray) -> Vec<String> {
    gray.data.chunks(gray.width).map(|row| row.iter().map(|&v| if v < 128 { '#' } else { '.' }).collect()).collect()
}

/// An image Group 4-coded by the `fax` crate's encoder (black where `#`).
fn g4(rows: &[&str]) -> Vec<u8> {
    use fax::{encoder::Encoder, Color, VecWriter};
    let width = rows[0].len() as u16;
    let mut encoder = Encoder::new(VecWriter::new());
    for row in rows {
        let pels = row.chars().map(|c| if c == '#' { Color::Black } else { Color::White });
        encoder.encode_line(pels, width).unwrap();
    }
    encoder.finish().unwrap().finish()
}

const SHAPE: [&str; 4] = ["..##......", ".####....#", "..........", "##########"];

#[test]
fn group_4_is_decoded_pixel_for_pixel() {
    let data = g4(&SHAPE);
    let fax = Fax { k: -1, columns: 10, rows: 4, ..Fax::default() };
    let gray = ccitt(&data, fax, 10, 4, false, &mut budget()).unwrap();
    assert_eq!(picture(&gray), SHAPE);
    // `/BlackIs1 true` makes the coded black read as white, and `/Decode [1 0]` swaps them back.
    let swapped = ccitt(&data, Fax { black_is_1: true, ..fax }, 10, 4, false, &mut budget()).unwrap();
    assert_eq!(swapped.data.iter().map(|v| 255 - v).collect::<Vec<_>>(), gray.data);
    assert_eq!(ccitt(&data, Fax { black_is_1: true, ..fax }, 10, 4, true, &mut budget()).unwrap(), gray);
}

#[test]
fn group_3_one_dimensional_is_decoded() {
    // Modified Huffman, hand-coded (T.4 tables): row 1 white 2 (0111), black 3 (10),
    // white 3 (1000); row 2 white 0 (00110101), black 8 (000101).
    let data = [0b0111_1010, 0b0000_1101, 0b0100_0101];
    let fax = Fax { k: 0, columns: 8, rows: 2, ..Fax::default() };
    let gray = ccitt(&data, fax, 8, 2, false, &mut budget()).unwrap();
    assert_eq!(picture(&gray), ["..###...", "########"]);
}

#[test]
fn damaged_or_oversized_fax_is_an_error_not_a_panic() {
    let fax = Fax { k: -1, columns: 64, rows: 64, ..Fax::default() };
    let error = ccitt(&[0, 0, 0, 0, 0, 0], fax, 64, 64, false, &mut budget()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Corrupt);
    assert!(error.message.contains("CCITT"), "{}", error.message);
    // The size is refused before any pixel is allocated.
    let huge = ccitt(&g4(&SHAPE), fax, 1 << 20, 1 << 20, false, &mut budget()).unwrap_err();
    assert_eq!(huge.kind, ErrorKind::LimitExceeded);
}

#[test]
fn jbig2_generic_region_matches_poppler() {
    let gray = jbig2(&fixture("generic_region.jb2"), None, 400, false, &mut budget()).unwrap();
    let poppler = image::load_from_memory(&fixture("generic_region.png")).unwrap().to_luma8();
    assert_eq!((gray.width as u32, gray.height as u32), poppler.dimensions());
    assert_eq!(gray.data, poppler.into_raw());
    assert!(gray.data.contains(&0) && gray.data.contains(&255));
    assert_eq!(jbig2(b"\0\0\0\0junk", None, 10, false, &mut budget()).unwrap_err().kind, ErrorKind::Corrupt);
    // The same segments as a whole JBIG2 file (header: magic, sequential, one page).
    let file = [&b"\x97JB2\r\n\x1a\n\x01\0\0\0\x01"[..], &fixture("generic_region.jb2")].concat();
    assert_eq!(jbig2(&file, None, 400, false, &mut budget()).unwrap(), gray);
}

#[test]
fn jpeg_2000_gray_and_rgb_are_exact() {
    let gray = jpx(&fixture("gray.j2k"), &mut budget()).unwrap();
    let expected: Vec<u8> = (0..4).flat_map(|y| (0..8).map(move |x| (32 * x + 8 * y) as u8)).collect();
    assert_eq!((gray.width, gray.height, gray.data), (8, 4, expected));
    // Black, white, red and mid gray, through the ink separation: two red
    // pixels are too few to be a seal's ink, so they keep their luma.
    let rgb = jpx(&fixture("rgb.jp2"), &mut budget()).unwrap();
    assert_eq!((rgb.width, rgb.height), (4, 2));
    assert_eq!(rgb.data[..4], [0, 255, 88, 128]);
    let samples = [[0, 0, 0], [255, 255, 255], [200, 40, 50], [128, 128, 128]].repeat(2).concat();
    assert_eq!(rgb, super::super::inks::print_gray(4, 2, &samples));
    assert_eq!(jpx(b"\xff\x4f\xff\x51broken", &mut budget()).unwrap_err().kind, ErrorKind::Corrupt);
}

#[test]
fn fax_tiff_pages_are_decoded_in_group_4_and_group_3() {
    use super::super::image::{decode_tiff_page, tiff_page_count, tiff_page_geometry};
    for name in ["fax_g4.tif", "fax_g3.tif"] {
        let file = fixture(name);
        assert_eq!(tiff_page_count(&file, 10), 2, "{name}");
        assert_eq!(tiff_page_count(&file, 1), 1, "{name}");
        let first = picture(&decode_tiff_page(&file, 0, &mut budget()).unwrap());
        assert_eq!(first[0], "................", "{name}");
        assert_eq!(first[1], "..###...........", "{name}");
        assert_eq!(first[2], "..###...........", "{name}");
        assert!(first[3..].iter().all(|row| row == "................"), "{name}");
        let second = decode_tiff_page(&file, 1, &mut budget()).unwrap();
        assert_eq!(picture(&second)[..2], ["################", "................"], "{name}");
        assert_eq!(decode_tiff_page(&file, 2, &mut budget()).unwrap_err().kind, ErrorKind::Corrupt, "{name}");
    }
    // The Group 3 file says a fax's standard resolution; the Group 4 one says none.
    assert_eq!(tiff_page_geometry(&fixture("fax_g3.tif"), 1), Some(((16, 8), (204.0, 98.0))));
    assert_eq!(tiff_page_geometry(&fixture("fax_g4.tif"), 0).map(|g| g.0), Some((16, 8)));
    // The Group 3 page's first strip cut short is an error, not a panic.
    let mut cut = fixture("fax_g3.tif");
    let tiff = super::super::image::Tiff::new(&cut).unwrap();
    let strip = tiff.values(tiff.u32_at(4).unwrap() as usize, 273, 1).unwrap()[0] as usize;
    cut.truncate(strip + 2);
    assert!(decode_tiff_page(&cut, 0, &mut budget()).is_err());
}
