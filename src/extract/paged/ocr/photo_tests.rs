use super::*;

/// A photo-like frame: a sheet (paper 225, darker towards the right as a
/// lamp leaves it, with ruled lines) mapped onto `quad` over a mottled
/// dark background.
fn photo(width: usize, height: usize, quad: &[Point; 4]) -> Gray {
    let inverse = Homography::to_quad(quad).and_then(|h| h.inverse()).unwrap();
    let mut out = Gray::new(width, height, 0);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = inverse.map((x as f64 + 0.5, y as f64 + 0.5));
            let value = if (0.0..=1.0).contains(&u) && (0.0..=1.0).contains(&v) {
                let ruled = (v * 40.0).fract() < 0.15 && (0.1..0.9).contains(&u);
                if ruled {
                    40
                } else {
                    (225.0 - 40.0 * u) as u8
                }
            } else {
                (50 + (x * 7 + y * 13) % 30) as u8
            };
            out.set(x, y, value);
        }
    }
    out
}

#[test]
fn the_sheet_corners_are_found_within_a_few_pixels() {
    let quad = [(130.0, 95.0), (1010.0, 130.0), (1050.0, 780.0), (90.0, 740.0)];
    let found = find(&photo(1200, 900, &quad)).expect("a sheet");
    for (got, want) in found.corners.iter().zip(&quad) {
        let off = ((got.0 - want.0).powi(2) + (got.1 - want.1).powi(2)).sqrt();
        assert!(off < 3.0, "corner {want:?} found at {got:?}");
    }
    // Straight edges: no bow is left to undo.
    assert!(found.bows.iter().all(|b| b.abs() < 0.002), "{:?}", found.bows);
    let sheet = rectify(&photo(1200, 900, &quad)).expect("a sheet");
    // Close to A4 landscape: snapped to it, at the resolution of the longer sides.
    let aspect = sheet.gray.width as f32 / sheet.gray.height as f32;
    assert!((aspect - A4).abs() < 0.01, "{aspect}");
    assert!((sheet.dpi - 960.0 / A4_LONG_INCHES).abs() < 3.0, "{}", sheet.dpi);
    // The ruled lines run level across the rectified sheet, on paper evened to white.
    let row = |y: usize| (0..sheet.gray.width).filter(|&x| sheet.gray.get(x, y) < 128).count();
    let lines = (0..sheet.gray.height).filter(|&y| row(y) > sheet.gray.width * 7 / 10).count();
    assert!(lines >= 35, "{lines} level lines");
    let paper = (sheet.gray.get(sheet.gray.width / 5, 30), sheet.gray.get(sheet.gray.width * 4 / 5, 30));
    assert!(paper.0 > 235 && paper.1 > 235, "{paper:?}");
}

#[test]
fn a_bowed_edge_is_measured() {
    let quad = [(100.0, 100.0), (1100.0, 100.0), (1100.0, 800.0), (100.0, 800.0)];
    let mut frame = photo(1200, 900, &quad);
    // The top edge sags by 8 pixels at its middle, as a sheet not flat does.
    for x in 100..1100 {
        let t = (x - 100) as f64 / 1000.0;
        let sag = (32.0 * t * (1.0 - t)) as usize;
        for y in 100..100 + sag {
            frame.set(x, y, 50);
        }
    }
    let found = find(&frame).expect("a sheet");
    let sag = found.bows[0] * 700.0;
    assert!((sag - 8.0).abs() < 1.5, "{sag}");
    assert!(found.bows[2].abs() < 0.002, "{:?}", found.bows);
}

#[test]
fn a_flat_scan_is_no_photo() {
    // Paper to the edges, with ruled lines and a dark scanner streak at one side.
    let mut scan = Gray::new(800, 1100, 240);
    for y in (100..1000).step_by(40) {
        (60..740).for_each(|x| scan.set(x, y, 20));
    }
    (0..1100).for_each(|y| (0..12).for_each(|x| scan.set(x, y, 30)));
    assert!(find(&scan).is_none());
    assert!(rectify(&scan).is_none());
    // Nor is a blank or a tiny image.
    assert!(rectify(&Gray::new(800, 600, 255)).is_none());
    assert!(rectify(&Gray::new(10, 10, 0)).is_none());
}
