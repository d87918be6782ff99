fn main() {
    let depth: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let stack: usize = std::env::args().nth(2).unwrap().parse().unwrap();
    let which: usize = std::env::args().nth(3).unwrap().parse().unwrap();
    let cases = [
        format!("print {}1{}", "(".repeat(depth), ")".repeat(depth)),
        format!("print {}1", "-".repeat(depth)),
        format!("print {}1{}", "f(".repeat(depth), ")".repeat(depth)),
        format!("print x{}", "[0".repeat(depth)),
        format!("{}T{}", "(".repeat(depth), ")".repeat(depth)),
        format!("T | where x in ({}1{})", "(".repeat(depth), ")".repeat(depth)),
        format!("let x = {}1{}; T", "(".repeat(depth), ")".repeat(depth)),
        format!("print dynamic({}{})", "[".repeat(depth), "]".repeat(depth)),
        format!("{}T", "union (".repeat(depth)),
        format!("print toscalar({}", "toscalar(T | where ".repeat(depth)),
        "(".repeat(depth),
    ];
    let text = cases[which].clone();
    let r = std::thread::Builder::new().stack_size(stack).spawn(move || kql_syntax::parse_query(&text).map(|_| ()).map_err(|e| e.message)).unwrap().join().unwrap();
    println!("case {which}: {r:?}");
}
