include!("/tmp/gen.rs");
fn main() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut ok = 0;
    for _ in 0..5_000 {
        let len = 1 + rng.next() % 24;
        let mut text = String::new();
        for _ in 0..len {
            text.push_str(rng.pick(TOKENS));
            if rng.next() % 3 != 0 { text.push(' '); }
        }
        if kql_syntax::parse_query(&text).is_ok() { ok += 1; if ok < 15 { println!("{text:?}"); } }
    }
    println!("ok = {ok}");
}
