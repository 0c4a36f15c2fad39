#[global_allocator]
static A: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let bytes = std::fs::read("/tmp/big/bench10k.xlsx").unwrap();
    let options = parcheck::config::Options::default();
    let mut budget = parcheck::extract::Budget::new(options.limits.clone());
    let doc = parcheck::extract::extract(parcheck::sniff::Format::Xlsx, &bytes, &mut budget).unwrap();
    let mut v = vec![];
    for _ in 0..40 {
        let mut d = doc.clone();
        let t = std::time::Instant::now();
        parcheck::text::normalize_document(&mut d);
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!("normalize median {:.1} ms", v[v.len() / 2]);
}
