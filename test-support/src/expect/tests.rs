use super::*;

#[test]
fn an_expectation_reads_back_as_written() {
    let text = "input=0xcafe value=5 gas=100 status=Success gas_used=906 output=0x";
    let expect = Expect::parse(text).expect("valid");
    assert_eq!(expect.to_string(), text);
    assert_eq!(
        expect.keys().collect::<Vec<_>>(),
        ["input", "value", "gas", "status", "gas_used", "output"]
    );
    assert_eq!(expect.bytes("input"), Ok(Some(vec![0xca, 0xfe])));
    assert_eq!(expect.bytes("output"), Ok(Some(vec![])));
    assert_eq!(expect.bytes("missing"), Ok(None));
    assert_eq!(expect.number::<i64>("gas"), Ok(Some(100)));
    assert_eq!(expect.get("status"), Some("Success"));
    let built = Expect::new()
        .with_bytes("input", &[0xca, 0xfe])
        .with("value", 5)
        .with("gas", 100)
        .with("status", "Success")
        .with("gas_used", 906)
        .with_bytes("output", &[]);
    assert_eq!(built, expect);
}

#[test]
fn malformed_words_and_values_are_errors_naming_them() {
    assert!(Expect::parse("status")
        .expect_err("no =")
        .contains("`status`"));
    assert!(Expect::parse("=1").is_err());
    assert!(Expect::parse("gas=1 gas=2")
        .expect_err("twice")
        .contains("twice"));
    let expect = Expect::parse("input=0x1 gas=ten").expect("words");
    assert!(expect
        .bytes("input")
        .expect_err("odd")
        .starts_with("input: "));
    assert!(expect
        .number::<i64>("gas")
        .expect_err("ten")
        .contains("`ten`"));
    let error = expect.check_keys(&["input"]).expect_err("gas unknown");
    assert!(error.contains("unknown key `gas`"), "{error}");
    assert_eq!(expect.check_keys(&["input", "gas"]), Ok(()));
}

#[test]
fn order_and_values_matter_when_comparing() {
    let a = Expect::parse("status=Success gas_used=1").expect("a");
    assert_ne!(a, Expect::parse("gas_used=1 status=Success").expect("b"));
    assert_ne!(a, Expect::parse("status=Success gas_used=2").expect("c"));
    let mut b = a.clone().with("status", "Revert");
    assert_eq!(b.to_string(), "status=Revert gas_used=1", "set in place");
    assert_eq!(b.remove("status").as_deref(), Some("Revert"));
    assert_eq!(b.to_string(), "gas_used=1");
}

#[test]
#[should_panic(expected = "would not read back")]
fn a_value_with_a_space_cannot_be_set() {
    Expect::new().with("status", "two words");
}

#[test]
fn find_gives_each_expect_line_with_its_index() {
    let text = ";; HOSTILE: x\n;; EXPECT: status=A gas_used=1\n(module)\n;; EXPECT:   status=B\n";
    let found = find(text).expect("valid");
    assert_eq!(found.len(), 2);
    assert_eq!((found[0].line, found[1].line), (1, 3));
    assert_eq!(found[1].expect.get("status"), Some("B"));
    assert_eq!(line(&found[0].expect), ";; EXPECT: status=A gas_used=1");
    let error = find("(module)\n;; EXPECT: oops").expect_err("no =");
    assert!(error.starts_with("line 2: "), "{error}");
}

#[test]
fn a_wrong_expectation_fails_with_both_sides_and_blessing_rewrites_it() {
    let dir = tempfile::tempdir().expect("scratch");
    let path = dir.path().join("a.wat");
    let text =
        ";; EXPECT: status=Success gas_used=5\n;; EXPECT: status=Success gas_used=7\n(module)\n";
    std::fs::write(&path, text).expect("write");
    let right = Expect::parse("status=Success gas_used=5").expect("right");
    let other = Expect::parse("status=Revert gas_used=9").expect("other");

    let mut checker = Checker::new(false);
    let mut file = ExpectFile::read(&path).expect("read");
    file.check(&mut checker, 0, &right);
    file.check(&mut checker, 1, &other);
    file.finish().expect("nothing to write");
    let failures = checker.finish().expect_err("line 2 is wrong");
    assert!(failures.contains("a.wat:2:"), "{failures}");
    assert!(
        failures
            .contains("expected status=Success gas_used=7\n  got      status=Revert gas_used=9"),
        "{failures}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        text,
        "unchanged"
    );

    let mut checker = Checker::new(true);
    let mut file = ExpectFile::read(&path).expect("read");
    file.check(&mut checker, 0, &right);
    file.check(&mut checker, 1, &other);
    file.finish().expect("written");
    checker.finish().expect("blessing fails nothing");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        ";; EXPECT: status=Success gas_used=5\n;; EXPECT: status=Revert gas_used=9\n(module)\n"
    );
}

#[test]
fn named_expectations_are_checked_and_blessed_by_name() {
    let dir = tempfile::tempdir().expect("scratch");
    let path = dir.path().join("generated.expect");
    let mut named = NamedExpects::read(&path).expect("a missing file is empty");
    assert!(named.get("b").is_none());
    let got = Expect::parse("status=OutOfGas gas_used=10").expect("got");

    let mut checker = Checker::new(false);
    named.check(&mut checker, "b", &got);
    let failures = checker.finish().expect_err("no expectation");
    assert!(
        failures.contains("generated.expect: b:\n  expected (no expectation)"),
        "{failures}"
    );

    let mut checker = Checker::new(true);
    named.check(&mut checker, "b", &got);
    named.check(&mut checker, "a", &got.clone().with("gas_used", 3));
    named.finish().expect("written");
    checker.finish().expect("blessing fails nothing");
    let text = std::fs::read_to_string(&path).expect("read");
    assert_eq!(
        text,
        "a status=OutOfGas gas_used=3\nb status=OutOfGas gas_used=10\n"
    );

    let mut checker = Checker::new(false);
    let mut named = NamedExpects::read(&path).expect("read");
    named.check(&mut checker, "b", &got);
    checker.finish().expect("as blessed");
    std::fs::write(&path, "a status=X\na status=Y\n").expect("write");
    let error = NamedExpects::read(&path).expect_err("twice");
    assert!(
        error.contains("generated.expect:2: `a` given twice"),
        "{error}"
    );
}
