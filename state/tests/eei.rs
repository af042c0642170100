//! Each of the 33 functions of the EEI in a message of a session (revm's
//! state layer, Byzantium), as a contract author would check them (`shared/ewasm-spec.md` section (b)):
//! the exact interface gas and the effect of a valid call; the failure of
//! every pointer argument outside memory; for the functions that change
//! state, the failure in a static call; then the rules particular to each.
//!
//! Every contract comes from one template ([`support::contract`]): the 33
//! imports, one page of memory holding named values ([`support::LAYOUT`],
//! reachable from WAT as `(global.get $NAME)`), and a `main` whose body is
//! the test's. Metering is off, so the gas a run uses is exactly the
//! interface gas of the EEI calls it makes. A static frame, or a frame
//! 1,023 or 1,024 deep, is the message's own frame placed there
//! ([`common::Placed`]): what an EVMC host would send from there.

mod common;

mod support {
    use std::sync::{Arc, OnceLock};

    use ewasm_host::{
        AccessStatus, CallOutcome, EvmHost, Held, Message, Outcome, Revision, StorageStatus,
    };
    pub(crate) use ewasm_host::{Address, Bytes32, ExecConfig, Executor, Status, TxContext, U256};
    pub(crate) use state::run::{Call, Session};
    pub(crate) use state::{keccak, Account, Env, Runner, World};

    pub(crate) use crate::common::{create_address, Placed};

    /// The contract under test: the message's recipient.
    pub(crate) const CONTRACT: Address = Address([0xc0; 20]);
    /// The message's sender.
    pub(crate) const CALLER: Address = Address([0xca; 20]);
    /// The transaction's origin (not the caller, so the two are told apart).
    pub(crate) const ORIGIN: Address = Address([0x0a; 20]);
    /// The block's coinbase.
    pub(crate) const COINBASE: Address = Address([0xcb; 20]);
    /// An account with code that is not Wasm (calling it fails) and a balance.
    pub(crate) const OTHER: Address = Address([0x07; 20]);
    /// An account with a balance and no code.
    pub(crate) const PLAIN: Address = Address([0x03; 20]);
    /// An account that does not exist.
    pub(crate) const NOBODY: Address = Address([0x0b; 20]);
    /// An account whose Wasm code a test chooses ([`Test::callee`]).
    pub(crate) const CALLEE: Address = Address([0xce; 20]);

    /// Gas of every message unless a test says otherwise.
    pub(crate) const GAS: i64 = 1_000_000;
    /// The contract's balance: 10^18 wei.
    pub(crate) const CONTRACT_BALANCE: u64 = 1_000_000_000_000_000_000;
    /// OTHER's balance: several bytes, to see the byte order.
    pub(crate) const OTHER_BALANCE: u64 = 0x0102_0304_0506;
    /// OTHER's code.
    pub(crate) const OTHER_CODE: [u8; 4] = [0xde, 0xad, 0xbe, 0xef];
    /// PLAIN's balance.
    pub(crate) const PLAIN_BALANCE: u64 = 3;

    /// The storage key at `$KEY`.
    pub(crate) const KEY: Bytes32 = Bytes32([0x6b; 32]);
    /// The storage value at `$VALUE`.
    pub(crate) const VALUE: Bytes32 = Bytes32([0x11; 32]);
    /// The log topics at `$T1` … `$T4`.
    pub(crate) const TOPICS: [Bytes32; 4] = [
        Bytes32([0xa1; 32]),
        Bytes32([0xa2; 32]),
        Bytes32([0xa3; 32]),
        Bytes32([0xa4; 32]),
    ];
    /// The bytes at `$DATA`.
    pub(crate) const DATA: &[u8] = b"hello, world";
    /// Where [`Test::init_code`] puts init code.
    pub(crate) const INIT_AT: u32 = 4096;

    /// The block.
    pub(crate) const BLOCK_NUMBER: i64 = 1_000;
    pub(crate) const TIMESTAMP: i64 = 1_600_000_000;
    pub(crate) const BLOCK_GAS_LIMIT: i64 = 8_000_000;
    /// Sixteen distinct bytes, to see the byte order.
    pub(crate) const GAS_PRICE: u128 = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10;

    /// Thirty-two distinct bytes, 0x01 … 0x20 big-endian.
    pub(crate) fn difficulty() -> U256 {
        U256::from_big_endian(&std::array::from_fn::<u8, 32, _>(|i| i as u8 + 1))
    }

    /// The block every test runs in.
    pub(crate) fn env() -> Env {
        Env {
            tx: TxContext {
                gas_price: U256::from(GAS_PRICE),
                origin: ORIGIN,
                coinbase: COINBASE,
                number: BLOCK_NUMBER,
                timestamp: TIMESTAMP,
                gas_limit: BLOCK_GAS_LIMIT,
                difficulty: difficulty(),
                chain_id: U256::one(),
            },
            ..Env::default()
        }
    }

    /// Named places in every contract's memory: `(global.get $NAME)` is the
    /// offset. Bytes 0..256 are zero scratch space for results.
    pub(crate) const LAYOUT: &[(&str, u32)] = &[
        ("OTHER", 256),  // OTHER's address
        ("PLAIN", 288),  // PLAIN's address
        ("NOBODY", 320), // NOBODY's address
        ("CALLEE", 352), // CALLEE's address
        ("ONE", 384),    // 1 as a u128, little-endian
        ("MAX", 400),    // 2^128 - 1 as a u128
        ("KEY", 416),    // KEY
        ("VALUE", 448),  // VALUE
        ("ZERO", 480),   // 32 zero bytes (also a zero u128)
        ("T1", 512),     // TOPICS[0] …
        ("T2", 544),
        ("T3", 576),
        ("T4", 608),
        ("DATA", 640),  // DATA
        ("DIRTY", 672), // 32 bytes of 0xff, to see what a write leaves
        ("INIT", 4096), // init code, when a test puts some there
    ];

    fn initial_bytes(name: &str) -> Vec<u8> {
        match name {
            "OTHER" => OTHER.0.to_vec(),
            "PLAIN" => PLAIN.0.to_vec(),
            "NOBODY" => NOBODY.0.to_vec(),
            "CALLEE" => CALLEE.0.to_vec(),
            "ONE" => 1u128.to_le_bytes().to_vec(),
            "MAX" => u128::MAX.to_le_bytes().to_vec(),
            "KEY" => KEY.0.to_vec(),
            "VALUE" => VALUE.0.to_vec(),
            "T1" => TOPICS[0].0.to_vec(),
            "T2" => TOPICS[1].0.to_vec(),
            "T3" => TOPICS[2].0.to_vec(),
            "T4" => TOPICS[3].0.to_vec(),
            "DATA" => DATA.to_vec(),
            "DIRTY" => vec![0xff; 32],
            _ => Vec::new(),
        }
    }

    /// The 33 functions of the `ethereum` module, with their exact types.
    pub(crate) const IMPORTS: &str = r#"
      (import "ethereum" "useGas" (func $useGas (param i64)))
      (import "ethereum" "getGasLeft" (func $getGasLeft (result i64)))
      (import "ethereum" "getAddress" (func $getAddress (param i32)))
      (import "ethereum" "getExternalBalance" (func $getExternalBalance (param i32 i32)))
      (import "ethereum" "getBlockHash" (func $getBlockHash (param i64 i32) (result i32)))
      (import "ethereum" "getCallDataSize" (func $getCallDataSize (result i32)))
      (import "ethereum" "callDataCopy" (func $callDataCopy (param i32 i32 i32)))
      (import "ethereum" "getCaller" (func $getCaller (param i32)))
      (import "ethereum" "getCallValue" (func $getCallValue (param i32)))
      (import "ethereum" "codeCopy" (func $codeCopy (param i32 i32 i32)))
      (import "ethereum" "getCodeSize" (func $getCodeSize (result i32)))
      (import "ethereum" "externalCodeCopy" (func $externalCodeCopy (param i32 i32 i32 i32)))
      (import "ethereum" "getExternalCodeSize" (func $getExternalCodeSize (param i32) (result i32)))
      (import "ethereum" "getBlockCoinbase" (func $getBlockCoinbase (param i32)))
      (import "ethereum" "getBlockDifficulty" (func $getBlockDifficulty (param i32)))
      (import "ethereum" "getBlockGasLimit" (func $getBlockGasLimit (result i64)))
      (import "ethereum" "getTxGasPrice" (func $getTxGasPrice (param i32)))
      (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
      (import "ethereum" "getBlockNumber" (func $getBlockNumber (result i64)))
      (import "ethereum" "getBlockTimestamp" (func $getBlockTimestamp (result i64)))
      (import "ethereum" "getTxOrigin" (func $getTxOrigin (param i32)))
      (import "ethereum" "storageStore" (func $storageStore (param i32 i32)))
      (import "ethereum" "storageLoad" (func $storageLoad (param i32 i32)))
      (import "ethereum" "finish" (func $finish (param i32 i32)))
      (import "ethereum" "revert" (func $revert (param i32 i32)))
      (import "ethereum" "getReturnDataSize" (func $getReturnDataSize (result i32)))
      (import "ethereum" "returnDataCopy" (func $returnDataCopy (param i32 i32 i32)))
      (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
      (import "ethereum" "callCode" (func $callCode (param i64 i32 i32 i32 i32) (result i32)))
      (import "ethereum" "callDelegate" (func $callDelegate (param i64 i32 i32 i32) (result i32)))
      (import "ethereum" "callStatic" (func $callStatic (param i64 i32 i32 i32) (result i32)))
      (import "ethereum" "create" (func $create (param i32 i32 i32 i32) (result i32)))
      (import "ethereum" "selfDestruct" (func $selfDestruct (param i32)))
    "#;

    /// `bytes` as a WAT string literal's contents.
    fn escape(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("\\{b:02x}")).collect()
    }

    /// A contract from the template whose `main` is `body`, with `extra`
    /// data segments (offset, bytes) on top of [`LAYOUT`].
    pub(crate) fn contract(body: &str, extra: &[(u32, Vec<u8>)]) -> Vec<u8> {
        let mut module = format!("(module {IMPORTS}\n  (memory (export \"memory\") 1)\n");
        for (name, offset) in LAYOUT {
            module += &format!("  (global ${name} i32 (i32.const {offset}))\n");
            let bytes = initial_bytes(name);
            if !bytes.is_empty() {
                module += &format!("  (data (i32.const {offset}) \"{}\")\n", escape(&bytes));
            }
        }
        for (offset, bytes) in extra {
            module += &format!("  (data (i32.const {offset}) \"{}\")\n", escape(bytes));
        }
        module += &format!("  (func (export \"main\") {body}))");
        wat::parse_str(&module).unwrap_or_else(|e| panic!("{e}\n{body}"))
    }

    /// One executor for every run (metering off, as in the state tests).
    pub(crate) fn runner() -> Arc<dyn Runner> {
        static RUNNER: OnceLock<Arc<dyn Runner>> = OnceLock::new();
        Arc::clone(
            RUNNER
                .get_or_init(|| Arc::new(Executor::new(ExecConfig::trusted()).expect("executor"))),
        )
    }

    /// The world before the contract's code is put in: CALLER (2^200 wei),
    /// CONTRACT (10^18 wei), OTHER, PLAIN; NOBODY and CALLEE absent.
    pub(crate) fn base_world() -> World {
        let mut world = World::default();
        world.insert(CALLER, Account::with_balance(U256::one() << 200));
        world.insert(CONTRACT, Account::with_balance(CONTRACT_BALANCE.into()));
        world.insert(
            OTHER,
            Account {
                code: Arc::new(OTHER_CODE.to_vec()),
                balance: OTHER_BALANCE.into(),
                ..Account::default()
            },
        );
        world.insert(PLAIN, Account::with_balance(PLAIN_BALANCE.into()));
        world
    }

    /// One run of CONTRACT, built up then [`Test::run`]: a message of a
    /// session ([`Session::call_from`]) from CALLER, in the block of
    /// [`env`], the transaction's origin ORIGIN.
    pub(crate) struct Test {
        body: String,
        extra: Vec<(u32, Vec<u8>)>,
        world: World,
        env: Env,
        call: Call,
        /// The message's frame runs as a static frame's ([`Placed`]).
        is_static: bool,
        /// The message's frame runs this deep ([`Placed`]).
        depth: i32,
        /// The gas price the host reports, when revm cannot hold it
        /// ([`Repriced`]).
        reported_gas_price: Option<U256>,
    }

    impl Test {
        /// CONTRACT with `body` as `main`, called by CALLER with [`GAS`],
        /// no value and no input, not static, at depth 0.
        pub(crate) fn new(body: &str) -> Self {
            Self {
                body: body.to_string(),
                extra: Vec::new(),
                world: base_world(),
                env: env(),
                call: Call {
                    input: Vec::new(),
                    gas: GAS,
                    value: U256::zero(),
                },
                is_static: false,
                depth: 0,
                reported_gas_price: None,
            }
        }

        /// Ends `main` with `finish` of memory `[at, at + len)`, free of gas.
        pub(crate) fn returning(mut self, at: u32, len: u32) -> Self {
            self.body += &format!(" (call $finish (i32.const {at}) (i32.const {len}))");
            self
        }

        /// The message is static.
        pub(crate) fn static_call(mut self) -> Self {
            self.is_static = true;
            self
        }

        pub(crate) fn value(mut self, value: U256) -> Self {
            self.call.value = value;
            self
        }

        pub(crate) fn input(mut self, input: &[u8]) -> Self {
            self.call.input = input.to_vec();
            self
        }

        pub(crate) fn gas(mut self, gas: i64) -> Self {
            self.call.gas = gas;
            self
        }

        pub(crate) fn depth(mut self, depth: i32) -> Self {
            self.depth = depth;
            self
        }

        /// CALLEE exists, its code the template with `body` as `main`.
        pub(crate) fn callee(mut self, body: &str) -> Self {
            self.world.entry(CALLEE).code = Arc::new(contract(body, &[]));
            self
        }

        /// `code` at `$INIT` in CONTRACT's memory.
        pub(crate) fn init_code(mut self, code: Vec<u8>) -> Self {
            self.extra.push((INIT_AT, code));
            self
        }

        /// Changes an account (created empty if absent).
        pub(crate) fn account(
            mut self,
            address: Address,
            change: impl FnOnce(&mut Account),
        ) -> Self {
            change(self.world.entry(address));
            self
        }

        /// A storage value in place before the run.
        pub(crate) fn stored(mut self, address: Address, key: Bytes32, value: Bytes32) -> Self {
            self.world.set_storage(address, key, value);
            self
        }

        /// The host reports `price` as the transaction's gas price
        /// ([`Repriced`]): revm's gas price is a `u128`, an EVMC host's
        /// 256 bits.
        pub(crate) fn reported_gas_price(mut self, price: U256) -> Self {
            self.reported_gas_price = Some(price);
            self
        }

        /// Changes the block.
        pub(crate) fn block(mut self, change: impl FnOnce(&mut TxContext)) -> Self {
            change(&mut self.env.tx);
            self
        }

        pub(crate) fn run(self) -> Run {
            let code = contract(&self.body, &self.extra);
            let mut world = self.world;
            world.entry(CONTRACT).code = Arc::new(code.clone());
            let root_before = world.state_root();
            let inner = match self.reported_gas_price {
                Some(price) => Arc::new(Repriced {
                    inner: runner(),
                    price,
                }) as Arc<dyn Runner>,
                None => runner(),
            };
            let placed = Arc::new(Placed::new(inner, self.is_static, self.depth));
            let mut session = Session::in_world(world, self.env, CONTRACT, placed);
            let report = session.call_from(CALLER, &self.call);
            let mut world = session.into_world();
            for log in report.logs {
                world.log(log);
            }
            Run {
                status: report.status,
                gas_left: self.call.gas - report.gas_used,
                gas_used: report.gas_used,
                output: report.output,
                world,
                code,
                root_before,
            }
        }
    }

    /// A runner whose frames see a host reporting `price` as the
    /// transaction's gas price, all else as the real host says.
    pub(crate) struct Repriced {
        inner: Arc<dyn Runner>,
        price: U256,
    }

    impl Runner for Repriced {
        fn run(
            &self,
            host: &mut dyn EvmHost,
            revision: Revision,
            message: &Message,
            code: &[u8],
        ) -> Outcome {
            let mut host = RepricedHost {
                host,
                price: self.price,
            };
            self.inner.run(&mut host, revision, message, code)
        }
    }

    /// `host`, but for the gas price.
    struct RepricedHost<'h> {
        host: &'h mut dyn EvmHost,
        price: U256,
    }

    impl EvmHost for RepricedHost<'_> {
        fn account_exists(&mut self, address: &Address) -> bool {
            self.host.account_exists(address)
        }
        fn get_storage(&mut self, address: &Address, key: &Bytes32) -> Bytes32 {
            self.host.get_storage(address, key)
        }
        fn set_storage(
            &mut self,
            address: &Address,
            key: &Bytes32,
            value: &Bytes32,
        ) -> StorageStatus {
            self.host.set_storage(address, key, value)
        }
        fn get_balance(&mut self, address: &Address) -> U256 {
            self.host.get_balance(address)
        }
        fn get_code_size(&mut self, address: &Address) -> usize {
            self.host.get_code_size(address)
        }
        fn copy_code(&mut self, address: &Address, offset: usize, buffer: &mut [u8]) -> usize {
            self.host.copy_code(address, offset, buffer)
        }
        fn selfdestruct(&mut self, address: &Address, beneficiary: &Address) -> bool {
            self.host.selfdestruct(address, beneficiary)
        }
        fn access_account(&mut self, address: &Address) -> AccessStatus {
            self.host.access_account(address)
        }
        fn access_storage(&mut self, address: &Address, key: &Bytes32) -> AccessStatus {
            self.host.access_storage(address, key)
        }
        fn call(&mut self, message: &Message) -> CallOutcome {
            self.host.call(message)
        }
        fn get_tx_context(&mut self) -> TxContext {
            TxContext {
                gas_price: self.price,
                ..self.host.get_tx_context()
            }
        }
        fn get_block_hash(&mut self, number: i64) -> Bytes32 {
            self.host.get_block_hash(number)
        }
        fn emit_log(&mut self, address: &Address, data: &[u8], topics: &[Bytes32]) {
            self.host.emit_log(address, data, topics)
        }
        fn held(&mut self) -> Option<&mut Held> {
            self.host.held()
        }
    }

    /// What a run did.
    pub(crate) struct Run {
        pub(crate) status: Status,
        pub(crate) gas_left: i64,
        pub(crate) gas_used: i64,
        pub(crate) output: Vec<u8>,
        pub(crate) world: World,
        /// CONTRACT's code.
        pub(crate) code: Vec<u8>,
        root_before: [u8; 32],
    }

    impl Run {
        /// Whether the world is as before the run: same state root, no logs.
        pub(crate) fn changed_nothing(&self) -> bool {
            self.world.state_root() == self.root_before && self.world.logs().is_empty()
        }

        pub(crate) fn storage(&self, address: Address, key: Bytes32) -> Bytes32 {
            self.world.storage(&address, &key)
        }

        pub(crate) fn balance(&self, address: Address) -> U256 {
            self.world.balance(&address)
        }

        pub(crate) fn nonce(&self, address: Address) -> Option<u64> {
            self.world.get(&address).map(|a| a.nonce)
        }
    }

    /// CONTRACT running `body`.
    pub(crate) fn run(body: &str) -> Run {
        Test::new(body).run()
    }

    /// CONTRACT running `body`, then finishing with memory `[at, at + len)`.
    pub(crate) fn run_returning(body: &str, at: u32, len: u32) -> Run {
        Test::new(body).returning(at, len).run()
    }

    /// The run succeeded using exactly `gas`.
    #[track_caller]
    pub(crate) fn assert_success(run: &Run, gas: i64) {
        assert_eq!(run.status, Status::Success, "status");
        assert_eq!(run.gas_used, gas, "gas used");
    }

    /// The run failed with `status`, keeping no gas and changing nothing.
    #[track_caller]
    pub(crate) fn assert_failed(run: &Run, status: Status) {
        assert_eq!(run.status, status, "status");
        assert_eq!(run.gas_left, 0, "a failure keeps no gas");
        assert!(run.changed_nothing(), "a failure changes nothing");
    }

    /// Pointers outside one page of memory: just past the end, straddling
    /// it (every access here is at least 4 bytes), and the largest u32
    /// (where offset + length wraps in 32 bits).
    pub(crate) const OUT_OF_BOUNDS: [&str; 3] = ["65536", "65533", "0xffffffff"];

    /// `template` has `{p}` for one pointer argument of `what`: with
    /// pointer 0 it succeeds, with each of [`OUT_OF_BOUNDS`] it fails with
    /// `InvalidMemoryAccess`, keeping no gas.
    #[track_caller]
    pub(crate) fn assert_pointer_checked_with(
        what: &str,
        template: &str,
        test: impl Fn(&str) -> Test,
    ) {
        let with = |p: &str| test(&template.replace("{p}", &format!("(i32.const {p})"))).run();
        let ok = with("0");
        assert_eq!(ok.status, Status::Success, "{what} with pointer 0");
        for p in OUT_OF_BOUNDS {
            let r = with(p);
            assert_eq!(
                (r.status, r.gas_left),
                (Status::InvalidMemoryAccess, 0),
                "{what} with pointer {p}"
            );
            assert!(
                r.changed_nothing(),
                "{what} with pointer {p}: state changed"
            );
        }
    }

    /// [`assert_pointer_checked_with`] on a plain [`Test`].
    #[track_caller]
    pub(crate) fn assert_pointer_checked(what: &str, template: &str) {
        assert_pointer_checked_with(what, template, Test::new);
    }

    pub(crate) fn le_u32(bytes: &[u8]) -> u32 {
        u32::from_le_bytes(bytes.try_into().expect("4 bytes"))
    }

    pub(crate) fn le_i64(bytes: &[u8]) -> i64 {
        i64::from_le_bytes(bytes.try_into().expect("8 bytes"))
    }

    /// A 32-byte word whose first bytes are `prefix`, then zeros.
    pub(crate) fn word(prefix: &[u8]) -> Bytes32 {
        let mut word = [0u8; 32];
        word[..prefix.len()].copy_from_slice(prefix);
        Bytes32(word)
    }

    /// Callee: returns its gas left (8 bytes, little-endian).
    pub(crate) const REPORTS_GAS_LEFT: &str =
        "(i64.store (i32.const 0) (call $getGasLeft)) (call $finish (i32.const 0) (i32.const 8))";
    /// Callee: returns its address (20 bytes), caller (20) and call value
    /// (16): 56 bytes.
    pub(crate) const REPORTS_CONTEXT: &str = "(call $getAddress (i32.const 0))
         (call $getCaller (i32.const 20))
         (call $getCallValue (i32.const 40))
         (call $finish (i32.const 0) (i32.const 56))";
    /// Callee: stores VALUE at KEY (20,000 gas).
    pub(crate) const STORES: &str = "(call $storageStore (global.get $KEY) (global.get $VALUE))";
    /// Callee: reverts with DATA (12 bytes).
    pub(crate) const REVERTS: &str = "(call $revert (global.get $DATA) (i32.const 12))";
    /// Callee: returns its call data.
    pub(crate) const ECHOES: &str =
        "(call $callDataCopy (i32.const 0) (i32.const 0) (call $getCallDataSize))
         (call $finish (i32.const 0) (call $getCallDataSize))";
}

use std::sync::Arc;

use support::*;

#[test]
fn the_template_imports_the_33_functions_and_an_empty_main_costs_nothing() {
    assert_eq!(IMPORTS.matches("(import \"ethereum\"").count(), 33);
    let r = run("");
    assert_success(&r, 0);
    assert!(r.output.is_empty());
    assert!(r.changed_nothing());
}

#[test]
fn a_function_imported_twice_is_linked_once_and_both_imports_run() {
    let code = wat::parse_str(
        r#"(module
          (import "ethereum" "useGas" (func $useGas (param i64)))
          (import "ethereum" "finish" (func $finish (param i32 i32)))
          (import "ethereum" "useGas" (func $useGasAgain (param i64)))
          (memory (export "memory") 1)
          (data (i32.const 0) "ok")
          (func (export "main")
            (call $useGas (i64.const 7))
            (call $useGasAgain (i64.const 5))
            (call $finish (i32.const 0) (i32.const 2))))"#,
    )
    .expect("valid WAT");
    let mut world = base_world();
    world.entry(CONTRACT).code = Arc::new(code);
    let mut session = state::run::Session::in_world(world, env(), CONTRACT, runner());
    let call = state::run::Call {
        input: Vec::new(),
        gas: GAS,
        value: U256::zero(),
    };
    let report = session.call_from(CALLER, &call);
    assert_eq!(report.status, Status::Success, "{:?}", report.reason);
    assert_eq!(report.output, b"ok");
    assert_eq!(report.gas_used, 12);
}

// ---------------------------------------------------------------------------
// useGas

#[test]
fn use_gas_charges_exactly_its_amount() {
    assert_success(&run("(call $useGas (i64.const 12345))"), 12_345);
    // All the gas there is: success, none left.
    let r = run(&format!("(call $useGas (i64.const {GAS}))"));
    assert_eq!((r.status, r.gas_left), (Status::Success, 0));
}

#[test]
fn use_gas_of_more_than_is_left_runs_out_of_gas_and_undoes_the_run() {
    let r = run(&format!(
        "(call $storageStore (global.get $KEY) (global.get $VALUE))
         (call $useGas (i64.const {}))",
        GAS - 20_000 + 1
    ));
    assert_failed(&r, Status::OutOfGas);
}

#[test]
fn use_gas_with_a_negative_amount_is_out_of_range() {
    assert_failed(
        &run("(call $useGas (i64.const -1))"),
        Status::ArgumentOutOfRange,
    );
}

// ---------------------------------------------------------------------------
// getGasLeft

#[test]
fn get_gas_left_costs_two_and_returns_the_gas_left_after_them() {
    let r = run_returning(
        "(call $useGas (i64.const 1000))
         (i64.store (i32.const 0) (call $getGasLeft))",
        0,
        8,
    );
    assert_success(&r, 1_002);
    assert_eq!(le_i64(&r.output), GAS - 1_002);
}

#[test]
fn get_gas_left_needs_its_two_gas() {
    let r = Test::new("(i64.store (i32.const 0) (call $getGasLeft))")
        .returning(0, 8)
        .gas(2)
        .run();
    assert_success(&r, 2);
    assert_eq!(le_i64(&r.output), 0);
    let r = Test::new("(drop (call $getGasLeft))").gas(1).run();
    assert_failed(&r, Status::OutOfGas);
}

// ---------------------------------------------------------------------------
// getAddress

#[test]
fn get_address_writes_the_recipient_and_costs_two() {
    let r = run_returning("(call $getAddress (i32.const 0))", 0, 20);
    assert_success(&r, 2);
    assert_eq!(r.output, CONTRACT.0);
}

#[test]
fn get_address_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked("getAddress(resultOffset)", "(call $getAddress {p})");
}

// ---------------------------------------------------------------------------
// getExternalBalance

#[test]
fn get_external_balance_writes_16_bytes_little_endian_and_costs_400() {
    let r = run_returning(
        "(call $getExternalBalance (global.get $OTHER) (global.get $DIRTY))",
        672,
        32,
    );
    assert_success(&r, 400);
    let mut expected = u128::from(OTHER_BALANCE).to_le_bytes().to_vec();
    expected.extend([0xff; 16]);
    assert_eq!(r.output, expected, "16 bytes written, the rest untouched");
}

#[test]
fn get_external_balance_of_a_missing_account_is_zero() {
    let r = run_returning(
        "(call $getExternalBalance (global.get $NOBODY) (global.get $DIRTY))",
        672,
        16,
    );
    assert_success(&r, 400);
    assert_eq!(r.output, [0; 16]);
}

#[test]
fn get_external_balance_takes_up_to_128_bits_and_no_more() {
    let body = "(call $getExternalBalance (global.get $OTHER) (i32.const 0))";
    let r = Test::new(body)
        .account(OTHER, |a| a.balance = U256::from(u128::MAX))
        .returning(0, 17)
        .run();
    assert_success(&r, 400);
    assert_eq!(r.output[..16], [0xff; 16]);
    assert_eq!(r.output[16], 0);
    let r = Test::new(body)
        .account(OTHER, |a| a.balance = U256::one() << 128)
        .run();
    assert_failed(&r, Status::ArgumentOutOfRange);
}

#[test]
fn get_external_balance_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "getExternalBalance(addressOffset)",
        "(call $getExternalBalance {p} (i32.const 0))",
    );
    assert_pointer_checked(
        "getExternalBalance(resultOffset)",
        "(call $getExternalBalance (global.get $OTHER) {p})",
    );
}

// ---------------------------------------------------------------------------
// getBlockHash

fn block_hash(number: i64) -> Vec<u8> {
    // What the in-memory host answers for a block in the window.
    keccak(number.to_string().as_bytes()).to_vec()
}

#[test]
fn get_block_hash_in_the_256_block_window_writes_it_returns_0_and_costs_800() {
    // The block is 1,000: the window is 744 ..= 999.
    for number in [999, 744] {
        let r = run_returning(
            &format!(
                "(i32.store (i32.const 32) (call $getBlockHash (i64.const {number}) (i32.const 0)))"
            ),
            0,
            36,
        );
        assert_eq!(r.status, Status::Success, "getBlockHash({number})");
        assert_eq!(r.gas_used, 800, "getBlockHash({number})");
        assert_eq!(r.output[..32], block_hash(number), "getBlockHash({number})");
        assert_eq!(le_u32(&r.output[32..]), 0, "getBlockHash({number})");
    }
}

#[test]
fn get_block_hash_outside_the_256_block_window_returns_1_and_leaves_memory_untouched() {
    for number in [743, BLOCK_NUMBER, BLOCK_NUMBER + 1, -1] {
        let r = run_returning(
            &format!(
                "(i32.store (i32.const 0) (call $getBlockHash (i64.const {number}) (global.get $DIRTY)))"
            ),
            0,
            704,
        );
        assert_eq!(r.status, Status::Success, "getBlockHash({number})");
        assert_eq!(r.gas_used, 800, "getBlockHash({number})");
        assert_eq!(le_u32(&r.output[..4]), 1, "getBlockHash({number})");
        assert_eq!(r.output[672..], [0xff; 32], "getBlockHash({number})");
    }
}

#[test]
fn get_block_hash_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked(
        "getBlockHash(999, resultOffset)",
        "(drop (call $getBlockHash (i64.const 999) {p}))",
    );
}

#[test]
fn get_block_hash_outside_the_window_does_not_check_the_result_pointer() {
    // As Hera does (spec (b), getBlockHash row): the result is written, and
    // so checked, only when the hash is found.
    let r = run_returning(
        "(i32.store (i32.const 0) (call $getBlockHash (i64.const 1) (i32.const 0xffffffff)))",
        0,
        4,
    );
    assert_success(&r, 800);
    assert_eq!(le_u32(&r.output), 1);
}

// ---------------------------------------------------------------------------
// getCallDataSize

#[test]
fn get_call_data_size_returns_the_input_length_and_costs_two() {
    for len in [0, 37] {
        let r = Test::new("(i32.store (i32.const 0) (call $getCallDataSize))")
            .input(&vec![7; len])
            .returning(0, 4)
            .run();
        assert_eq!(r.status, Status::Success, "{len} bytes of input");
        assert_eq!(r.gas_used, 2, "{len} bytes of input");
        assert_eq!(le_u32(&r.output) as usize, len);
    }
}

// ---------------------------------------------------------------------------
// callDataCopy

/// Seventy bytes of input: 0, 1, …, 69.
fn input70() -> Vec<u8> {
    (0..70).collect()
}

#[test]
fn call_data_copy_copies_the_slice_asked_for_and_costs_3_plus_3_per_word() {
    let r = Test::new("(call $callDataCopy (global.get $DIRTY) (i32.const 5) (i32.const 20))")
        .input(&input70())
        .returning(672, 32)
        .run();
    assert_success(&r, 3 + 3);
    assert_eq!(r.output[..20], input70()[5..25]);
    assert_eq!(r.output[20..], [0xff; 12], "only 20 bytes written");
    // Up to the last byte of the input.
    let r = Test::new("(call $callDataCopy (i32.const 0) (i32.const 60) (i32.const 10))")
        .input(&input70())
        .returning(0, 10)
        .run();
    assert_success(&r, 3 + 3);
    assert_eq!(r.output, input70()[60..]);
}

#[test]
fn call_data_copy_charges_3_per_started_word() {
    for (len, gas) in [
        (0, 3),
        (1, 6),
        (32, 6),
        (33, 9),
        (64, 9),
        (65, 12),
        (70, 12),
    ] {
        let r = Test::new(&format!(
            "(call $callDataCopy (i32.const 0) (i32.const 0) (i32.const {len}))"
        ))
        .input(&input70())
        .run();
        assert_eq!(r.status, Status::Success, "callDataCopy of {len} bytes");
        assert_eq!(r.gas_used, gas, "callDataCopy of {len} bytes");
    }
}

#[test]
fn call_data_copy_past_the_end_of_the_input_fails_instead_of_padding() {
    for (offset, len) in [(61, 10), (70, 1), (71, 0), (0xffff_ffffu32, 2)] {
        let r = Test::new(&format!(
            "(call $callDataCopy (i32.const 0) (i32.const {offset}) (i32.const {len}))"
        ))
        .input(&input70())
        .run();
        assert_eq!(
            (r.status, r.gas_left),
            (Status::InvalidMemoryAccess, 0),
            "callDataCopy of {len} bytes at {offset} from 70"
        );
    }
}

#[test]
fn call_data_copy_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked_with(
        "callDataCopy(resultOffset, 0, 8)",
        "(call $callDataCopy {p} (i32.const 0) (i32.const 8))",
        |body| Test::new(body).input(&input70()),
    );
}

#[test]
fn call_data_copy_of_zero_bytes_still_checks_the_result_offset() {
    // off + len <= size: 65536 with length 0 is fine, 65537 is not.
    let r = run("(call $callDataCopy (i32.const 65536) (i32.const 0) (i32.const 0))");
    assert_success(&r, 3);
    let r = run("(call $callDataCopy (i32.const 65537) (i32.const 0) (i32.const 0))");
    assert_failed(&r, Status::InvalidMemoryAccess);
}

// ---------------------------------------------------------------------------
// getCaller

#[test]
fn get_caller_writes_the_sender_and_costs_two() {
    let r = run_returning("(call $getCaller (i32.const 0))", 0, 20);
    assert_success(&r, 2);
    assert_eq!(r.output, CALLER.0);
}

#[test]
fn get_caller_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked("getCaller(resultOffset)", "(call $getCaller {p})");
}

// ---------------------------------------------------------------------------
// getCallValue

#[test]
fn get_call_value_writes_16_bytes_little_endian_and_costs_two() {
    let value = 0x1112_1314_1516_1718_191a_1b1c_1d1e_1f20u128;
    let r = Test::new("(call $getCallValue (global.get $DIRTY))")
        .value(U256::from(value))
        .returning(672, 32)
        .run();
    assert_success(&r, 2);
    let mut expected = value.to_le_bytes().to_vec();
    expected.extend([0xff; 16]);
    assert_eq!(r.output, expected);
    assert_eq!(
        r.balance(CONTRACT),
        U256::from(CONTRACT_BALANCE) + U256::from(value)
    );
}

#[test]
fn get_call_value_takes_up_to_128_bits_and_no_more() {
    let r = Test::new("(call $getCallValue (i32.const 0))")
        .value(U256::from(u128::MAX))
        .returning(0, 16)
        .run();
    assert_success(&r, 2);
    assert_eq!(r.output, [0xff; 16]);
    let r = Test::new("(call $getCallValue (i32.const 0))")
        .value(U256::one() << 128)
        .run();
    assert_failed(&r, Status::ArgumentOutOfRange);
}

#[test]
fn get_call_value_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked("getCallValue(resultOffset)", "(call $getCallValue {p})");
}

// ---------------------------------------------------------------------------
// codeCopy

#[test]
fn code_copy_copies_the_code_as_stored_and_costs_3_plus_3_per_word() {
    let r = run_returning(
        "(call $codeCopy (i32.const 0) (i32.const 0) (i32.const 8))",
        0,
        8,
    );
    assert_success(&r, 3 + 3);
    assert_eq!(r.output, b"\0asm\x01\0\0\0");
    // The last 33 bytes: two words, after a getCodeSize.
    let r = run_returning(
        "(call $codeCopy (i32.const 0)
            (i32.sub (call $getCodeSize) (i32.const 33)) (i32.const 33))",
        0,
        33,
    );
    assert_success(&r, 2 + 3 + 6);
    assert_eq!(r.output, r.code[r.code.len() - 33..]);
}

#[test]
fn code_copy_past_the_end_of_the_code_fails_instead_of_padding() {
    let r = run("(call $codeCopy (i32.const 0)
            (i32.sub (call $getCodeSize) (i32.const 32)) (i32.const 33))");
    assert_failed(&r, Status::InvalidMemoryAccess);
}

#[test]
fn code_copy_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked(
        "codeCopy(resultOffset, 0, 8)",
        "(call $codeCopy {p} (i32.const 0) (i32.const 8))",
    );
}

// ---------------------------------------------------------------------------
// getCodeSize

#[test]
fn get_code_size_returns_the_stored_code_length_and_costs_two() {
    let r = run_returning("(i32.store (i32.const 0) (call $getCodeSize))", 0, 4);
    assert_success(&r, 2);
    assert_eq!(le_u32(&r.output) as usize, r.code.len());
}

// ---------------------------------------------------------------------------
// externalCodeCopy

#[test]
fn external_code_copy_copies_another_accounts_code_and_costs_700_plus_3_per_word() {
    let r = run_returning(
        "(call $externalCodeCopy (global.get $OTHER) (global.get $DIRTY) (i32.const 1) (i32.const 3))",
        672,
        4,
    );
    assert_success(&r, 700 + 3);
    assert_eq!(r.output, [0xad, 0xbe, 0xef, 0xff]);
}

#[test]
fn external_code_copy_charges_3_per_started_word() {
    for (len, gas) in [
        (0, 700),
        (1, 703),
        (32, 703),
        (33, 706),
        (64, 706),
        (65, 709),
    ] {
        let r = Test::new(&format!(
            "(call $externalCodeCopy (global.get $CALLEE) (i32.const 0) (i32.const 0) (i32.const {len}))"
        ))
        .callee("")
        .returning(0, len)
        .run();
        assert_eq!(r.status, Status::Success, "externalCodeCopy of {len} bytes");
        assert_eq!(r.gas_used, gas, "externalCodeCopy of {len} bytes");
        assert_eq!(
            r.output,
            r.world.get(&CALLEE).unwrap().code[..len as usize],
            "externalCodeCopy of {len} bytes"
        );
    }
}

#[test]
fn external_code_copy_past_the_end_of_the_code_fails_instead_of_padding() {
    let cases = [
        ("OTHER", 2, 3),
        ("OTHER", 4, 1),
        ("OTHER", 0xffff_ffffu32, 1),
        ("NOBODY", 0, 1),
    ];
    for (account, offset, len) in cases {
        let r = run(&format!(
            "(call $externalCodeCopy (global.get ${account}) (i32.const 0) (i32.const {offset}) (i32.const {len}))"
        ));
        assert_eq!(
            (r.status, r.gas_left),
            (Status::InvalidMemoryAccess, 0),
            "externalCodeCopy of {len} bytes at {offset} of {account}'s code"
        );
    }
}

#[test]
fn external_code_copy_of_nothing_from_a_missing_account_succeeds() {
    let r = run(
        "(call $externalCodeCopy (global.get $NOBODY) (i32.const 0) (i32.const 0) (i32.const 0))",
    );
    assert_success(&r, 700);
}

#[test]
fn external_code_copy_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "externalCodeCopy(addressOffset, …, length 0)",
        "(call $externalCodeCopy {p} (i32.const 0) (i32.const 0) (i32.const 0))",
    );
    assert_pointer_checked(
        "externalCodeCopy(OTHER, resultOffset, 0, 4)",
        "(call $externalCodeCopy (global.get $OTHER) {p} (i32.const 0) (i32.const 4))",
    );
}

// ---------------------------------------------------------------------------
// getExternalCodeSize

#[test]
fn get_external_code_size_returns_the_code_length_and_costs_700() {
    for (account, size) in [("OTHER", 4), ("PLAIN", 0), ("NOBODY", 0)] {
        let r = run_returning(
            &format!(
                "(i32.store (i32.const 0) (call $getExternalCodeSize (global.get ${account})))"
            ),
            0,
            4,
        );
        assert_eq!(r.status, Status::Success, "{account}");
        assert_eq!(r.gas_used, 700, "{account}");
        assert_eq!(le_u32(&r.output), size, "{account}");
    }
}

#[test]
fn get_external_code_size_address_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked(
        "getExternalCodeSize(addressOffset)",
        "(drop (call $getExternalCodeSize {p}))",
    );
}

// ---------------------------------------------------------------------------
// getBlockCoinbase

#[test]
fn get_block_coinbase_writes_the_coinbase_and_costs_two() {
    let r = run_returning("(call $getBlockCoinbase (i32.const 0))", 0, 20);
    assert_success(&r, 2);
    assert_eq!(r.output, COINBASE.0);
}

#[test]
fn get_block_coinbase_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked(
        "getBlockCoinbase(resultOffset)",
        "(call $getBlockCoinbase {p})",
    );
}

// ---------------------------------------------------------------------------
// getBlockDifficulty

#[test]
fn get_block_difficulty_writes_32_bytes_little_endian_and_costs_two() {
    let r = run_returning("(call $getBlockDifficulty (i32.const 0))", 0, 32);
    assert_success(&r, 2);
    let expected: Vec<u8> = (1..=32).rev().collect();
    assert_eq!(r.output, expected);
    // All 256 bits fit.
    let r = Test::new("(call $getBlockDifficulty (i32.const 0))")
        .block(|b| b.difficulty = U256::MAX)
        .returning(0, 32)
        .run();
    assert_success(&r, 2);
    assert_eq!(r.output, [0xff; 32]);
}

#[test]
fn get_block_difficulty_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked(
        "getBlockDifficulty(resultOffset)",
        "(call $getBlockDifficulty {p})",
    );
}

// ---------------------------------------------------------------------------
// getBlockGasLimit, getBlockNumber, getBlockTimestamp

#[test]
fn get_block_gas_limit_number_and_timestamp_return_theirs_and_cost_two() {
    let getters = [
        ("getBlockGasLimit", BLOCK_GAS_LIMIT),
        ("getBlockNumber", BLOCK_NUMBER),
        ("getBlockTimestamp", TIMESTAMP),
    ];
    for (name, expected) in getters {
        let r = run_returning(&format!("(i64.store (i32.const 0) (call ${name}))"), 0, 8);
        assert_eq!(r.status, Status::Success, "{name}");
        assert_eq!(r.gas_used, 2, "{name}");
        assert_eq!(le_i64(&r.output), expected, "{name}");
    }
}

// ---------------------------------------------------------------------------
// getTxGasPrice

#[test]
fn get_tx_gas_price_writes_16_bytes_little_endian_and_costs_two() {
    let r = run_returning("(call $getTxGasPrice (global.get $DIRTY))", 672, 32);
    assert_success(&r, 2);
    let mut expected = GAS_PRICE.to_le_bytes().to_vec();
    expected.extend([0xff; 16]);
    assert_eq!(r.output, expected);
}

#[test]
fn get_tx_gas_price_of_2_to_the_128_is_out_of_range() {
    // revm holds a gas price in 128 bits; an EVMC host (256 bits) can
    // report 2^128.
    let r = Test::new("(call $getTxGasPrice (i32.const 0))")
        .reported_gas_price(U256::one() << 128)
        .run();
    assert_failed(&r, Status::ArgumentOutOfRange);
    // One less fits.
    let r = Test::new("(call $getTxGasPrice (i32.const 0))")
        .reported_gas_price((U256::one() << 128) - 1)
        .returning(0, 16)
        .run();
    assert_success(&r, 2);
    assert_eq!(r.output, [0xff; 16]);
}

#[test]
fn get_tx_gas_price_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked("getTxGasPrice(valueOffset)", "(call $getTxGasPrice {p})");
}

// ---------------------------------------------------------------------------
// getTxOrigin

#[test]
fn get_tx_origin_writes_the_origin_and_costs_two() {
    let r = run_returning("(call $getTxOrigin (i32.const 0))", 0, 20);
    assert_success(&r, 2);
    assert_eq!(r.output, ORIGIN.0);
}

#[test]
fn get_tx_origin_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked("getTxOrigin(resultOffset)", "(call $getTxOrigin {p})");
}

// ---------------------------------------------------------------------------
// log

/// `log` of the 12 bytes of DATA with `topics` topics, T1 … T4 given.
fn log_call(topics: u32) -> String {
    format!(
        "(call $log (global.get $DATA) (i32.const 12) (i32.const {topics})
            (global.get $T1) (global.get $T2) (global.get $T3) (global.get $T4))"
    )
}

#[test]
fn log_without_topics_costs_375_plus_8_per_byte_and_records_the_data() {
    let r = run(&log_call(0));
    assert_success(&r, 375 + 8 * 12);
    let logs = r.world.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].address, CONTRACT);
    assert!(logs[0].topics.is_empty());
    assert_eq!(logs[0].data, DATA);
}

#[test]
fn log_costs_375_per_topic_and_records_the_first_n_topics_in_order() {
    for n in 1..=4 {
        let r = run(&log_call(n));
        assert_eq!(r.status, Status::Success, "log with {n} topics");
        assert_eq!(
            r.gas_used,
            375 + 375 * i64::from(n) + 8 * 12,
            "log with {n} topics"
        );
        let logs = r.world.logs();
        assert_eq!(logs.len(), 1, "log with {n} topics");
        assert_eq!(logs[0].topics, TOPICS[..n as usize], "log with {n} topics");
        assert_eq!(logs[0].data, DATA, "log with {n} topics");
    }
}

#[test]
fn log_of_no_data_costs_375() {
    let r = run("(call $log (i32.const 0) (i32.const 0) (i32.const 0)
                   (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))");
    assert_success(&r, 375);
    assert_eq!(r.world.logs().len(), 1);
    assert!(r.world.logs()[0].data.is_empty());
}

#[test]
fn log_reads_only_the_pointers_of_the_topics_it_uses() {
    let r = run("(call $log (global.get $DATA) (i32.const 12) (i32.const 1)
                   (global.get $T1) (i32.const 0xffffffff) (i32.const 0xffffffff) (i32.const 0xffffffff))");
    assert_success(&r, 375 + 375 + 8 * 12);
    assert_eq!(r.world.logs()[0].topics, [TOPICS[0]]);
}

#[test]
fn log_keeps_every_record_in_order() {
    let r = run(&format!("{} {}", log_call(1), log_call(2)));
    assert_success(&r, (375 + 375 + 96) + (375 + 750 + 96));
    let topics: Vec<usize> = r.world.logs().iter().map(|l| l.topics.len()).collect();
    assert_eq!(topics, [1, 2]);
}

#[test]
fn log_with_five_topics_fails_contract_validation() {
    assert_failed(&run(&log_call(5)), Status::ContractValidationFailure);
}

#[test]
fn log_charges_its_gas_before_reading_the_data() {
    // 8 × (2^32 - 1) gas is more than there is: out of gas, not a bad pointer.
    let r = run(
        "(call $log (i32.const 0) (i32.const 0xffffffff) (i32.const 0)
                   (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))",
    );
    assert_failed(&r, Status::OutOfGas);
}

#[test]
fn log_in_a_static_call_fails_and_records_nothing() {
    assert_failed(
        &Test::new(&log_call(2)).static_call().run(),
        Status::StaticModeViolation,
    );
    // The static check comes before the count of topics.
    assert_failed(
        &Test::new(&log_call(5)).static_call().run(),
        Status::StaticModeViolation,
    );
}

#[test]
fn log_of_a_run_that_reverts_is_dropped() {
    let r = run(&format!(
        "{} (call $revert (i32.const 0) (i32.const 0))",
        log_call(0)
    ));
    assert_eq!(r.status, Status::Revert);
    assert_eq!(r.gas_used, 375 + 96);
    assert!(r.world.logs().is_empty());
}

#[test]
fn log_pointers_outside_memory_are_invalid_memory_accesses() {
    let topics = "(global.get $T1) (global.get $T2) (global.get $T3) (global.get $T4)";
    assert_pointer_checked(
        "log(dataOffset, 4, 0 topics)",
        &format!("(call $log {{p}} (i32.const 4) (i32.const 0) {topics})"),
    );
    for (i, name) in ["topic1", "topic2", "topic3", "topic4"].iter().enumerate() {
        let mut pointers = [
            "(global.get $T1)",
            "(global.get $T2)",
            "(global.get $T3)",
            "(global.get $T4)",
        ];
        pointers[i] = "{p}";
        assert_pointer_checked(
            &format!("log(…, 4 topics, {name})"),
            &format!(
                "(call $log (global.get $DATA) (i32.const 12) (i32.const 4) {})",
                pointers.join(" ")
            ),
        );
    }
}

// ---------------------------------------------------------------------------
// storageStore

#[test]
fn storage_store_of_a_value_where_zero_was_costs_20000_and_stores_it() {
    let r = run("(call $storageStore (global.get $KEY) (global.get $VALUE))");
    assert_success(&r, 20_000);
    assert_eq!(r.storage(CONTRACT, KEY), VALUE);
}

#[test]
fn storage_store_over_a_non_zero_value_costs_5000() {
    let r = Test::new("(call $storageStore (global.get $KEY) (global.get $VALUE))")
        .stored(CONTRACT, KEY, word(&[1]))
        .run();
    assert_success(&r, 5_000);
    assert_eq!(r.storage(CONTRACT, KEY), VALUE);
}

#[test]
fn storage_store_of_zero_where_zero_was_costs_5000() {
    let r = run("(call $storageStore (global.get $KEY) (global.get $ZERO))");
    assert_success(&r, 5_000);
    assert!(r.changed_nothing());
}

#[test]
fn storage_store_of_zero_over_a_value_costs_5000_and_clears_the_slot() {
    let r = Test::new("(call $storageStore (global.get $KEY) (global.get $ZERO))")
        .stored(CONTRACT, KEY, VALUE)
        .run();
    assert_success(&r, 5_000);
    assert_eq!(r.storage(CONTRACT, KEY), Bytes32::ZERO);
    assert!(r.world.get(&CONTRACT).unwrap().storage.is_empty());
}

#[test]
fn storage_store_prices_each_write_by_the_value_current_at_that_moment() {
    // Set (20,000), change (5,000), clear (5,000), set again (20,000).
    let r = run("(call $storageStore (global.get $KEY) (global.get $VALUE))
         (call $storageStore (global.get $KEY) (global.get $T1))
         (call $storageStore (global.get $KEY) (global.get $ZERO))
         (call $storageStore (global.get $KEY) (global.get $T2))");
    assert_success(&r, 50_000);
    assert_eq!(r.storage(CONTRACT, KEY), TOPICS[1]);
}

#[test]
fn storage_store_clearing_a_slot_is_refunded_15000() {
    use state::statetest::Transaction;
    // The refund is the execution's and shows in a transaction's gas: 21,000
    // intrinsic + 30,000 useGas + 5,000 storageStore = 56,000 used, so the
    // refund cap (half of that) lets all 15,000 count.
    let gas_used = |current: Bytes32| {
        let code = contract(
            "(call $useGas (i64.const 30000))
             (call $storageStore (global.get $KEY) (global.get $ZERO))",
            &[],
        );
        let mut world = base_world();
        world.entry(CONTRACT).code = Arc::new(code);
        world.set_storage(CONTRACT, KEY, current);
        let tx = Transaction {
            sender: CALLER,
            nonce: 0,
            gas_price: U256::one(),
            gas_limit: 100_000,
            to: Some(CONTRACT),
            value: U256::zero(),
            data: Vec::new(),
        };
        let applied = state::evm::transact(
            &world,
            &env(),
            runner(),
            tx.to_revm(1).expect("a gas price under 2^128"),
        )
        .expect("a fork");
        let ended = applied.result.expect("valid");
        assert_eq!(ended.status, Status::Success);
        assert_eq!(applied.post.storage(&CONTRACT, &KEY), Bytes32::ZERO);
        ended.gas_used
    };
    assert_eq!(gas_used(Bytes32::ZERO), 56_000, "zero to zero: no refund");
    assert_eq!(gas_used(VALUE), 56_000 - 15_000, "clearing: 15,000 back");
}

#[test]
fn storage_store_without_gas_for_a_new_slot_runs_out_and_stores_nothing() {
    let r = Test::new("(call $storageStore (global.get $KEY) (global.get $VALUE))")
        .gas(19_999)
        .run();
    assert_failed(&r, Status::OutOfGas);
}

#[test]
fn storage_store_in_a_static_call_fails_and_stores_nothing() {
    let r = Test::new("(call $storageStore (global.get $KEY) (global.get $VALUE))")
        .static_call()
        .run();
    assert_failed(&r, Status::StaticModeViolation);
    // The static check comes before the pointers are read.
    let r = Test::new("(call $storageStore (i32.const 0xffffffff) (i32.const 0xffffffff))")
        .static_call()
        .run();
    assert_failed(&r, Status::StaticModeViolation);
}

#[test]
fn storage_store_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "storageStore(pathOffset)",
        "(call $storageStore {p} (global.get $VALUE))",
    );
    assert_pointer_checked(
        "storageStore(valueOffset)",
        "(call $storageStore (global.get $KEY) {p})",
    );
}

// ---------------------------------------------------------------------------
// storageLoad

#[test]
fn storage_load_reads_the_recipients_value_and_costs_200() {
    let r = Test::new("(call $storageLoad (global.get $KEY) (i32.const 0))")
        .stored(CONTRACT, KEY, VALUE)
        .stored(OTHER, KEY, TOPICS[0])
        .returning(0, 32)
        .run();
    assert_success(&r, 200);
    assert_eq!(r.output, VALUE.0);
    // A value stored earlier in the same run.
    let r = run_returning(
        "(call $storageStore (global.get $KEY) (global.get $T1))
         (call $storageLoad (global.get $KEY) (i32.const 0))",
        0,
        32,
    );
    assert_success(&r, 20_000 + 200);
    assert_eq!(r.output, TOPICS[0].0);
}

#[test]
fn storage_load_of_an_unset_key_writes_32_zero_bytes() {
    let r = run_returning(
        "(call $storageLoad (global.get $KEY) (global.get $DIRTY))",
        672,
        32,
    );
    assert_success(&r, 200);
    assert_eq!(r.output, [0; 32]);
}

#[test]
fn storage_load_is_allowed_in_a_static_call() {
    let r = Test::new("(call $storageLoad (global.get $KEY) (i32.const 0))")
        .stored(CONTRACT, KEY, VALUE)
        .static_call()
        .returning(0, 32)
        .run();
    assert_success(&r, 200);
    assert_eq!(r.output, VALUE.0);
}

#[test]
fn storage_load_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "storageLoad(pathOffset)",
        "(call $storageLoad {p} (i32.const 0))",
    );
    assert_pointer_checked(
        "storageLoad(resultOffset)",
        "(call $storageLoad (global.get $KEY) {p})",
    );
}

// ---------------------------------------------------------------------------
// finish

#[test]
fn finish_returns_the_data_for_no_gas() {
    let r = run("(call $finish (global.get $DATA) (i32.const 12))");
    assert_success(&r, 0);
    assert_eq!(r.output, DATA);
}

#[test]
fn finish_ends_the_run_there_keeping_its_state_changes() {
    let r = run("(call $storageStore (global.get $KEY) (global.get $VALUE))
         (call $finish (global.get $DATA) (i32.const 5))
         (call $storageStore (global.get $KEY) (global.get $ZERO))
         (unreachable)");
    assert_success(&r, 20_000);
    assert_eq!(r.output, b"hello");
    assert_eq!(r.storage(CONTRACT, KEY), VALUE);
}

#[test]
fn finish_of_no_bytes_at_the_end_of_memory_succeeds_and_past_it_fails() {
    let r = run("(call $finish (i32.const 65536) (i32.const 0))");
    assert_success(&r, 0);
    assert!(r.output.is_empty());
    assert_failed(
        &run("(call $finish (i32.const 65537) (i32.const 0))"),
        Status::InvalidMemoryAccess,
    );
    assert_failed(
        &run("(call $finish (i32.const 0) (i32.const 65537))"),
        Status::InvalidMemoryAccess,
    );
}

#[test]
fn finish_data_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked("finish(dataOffset, 4)", "(call $finish {p} (i32.const 4))");
}

// ---------------------------------------------------------------------------
// revert

#[test]
fn revert_returns_the_data_keeps_the_gas_left_and_ends_the_run() {
    let r = run("(call $useGas (i64.const 100))
         (call $revert (global.get $DATA) (i32.const 12))
         (unreachable)");
    assert_eq!(r.status, Status::Revert);
    assert_eq!(r.gas_used, 100);
    assert_eq!(r.gas_left, GAS - 100);
    assert_eq!(r.output, DATA);
}

#[test]
fn revert_undoes_the_state_changes_of_the_run_but_not_their_gas() {
    let r = run("(call $storageStore (global.get $KEY) (global.get $VALUE))
         (call $revert (i32.const 0) (i32.const 0))");
    assert_eq!(r.status, Status::Revert);
    assert_eq!(r.gas_used, 20_000);
    assert!(r.changed_nothing());
}

#[test]
fn revert_data_outside_memory_is_an_invalid_memory_access() {
    let with = |p: &str| run(&format!("(call $revert (i32.const {p}) (i32.const 4))"));
    assert_eq!(with("0").status, Status::Revert, "revert with pointer 0");
    for p in OUT_OF_BOUNDS {
        assert_failed(&with(p), Status::InvalidMemoryAccess);
    }
}

// ---------------------------------------------------------------------------
// getReturnDataSize

#[test]
fn get_return_data_size_before_any_call_is_zero_and_costs_two() {
    let r = run_returning("(i32.store (i32.const 0) (call $getReturnDataSize))", 0, 4);
    assert_success(&r, 2);
    assert_eq!(le_u32(&r.output), 0);
}

#[test]
fn get_return_data_size_after_a_call_is_the_size_of_the_last_callees_output() {
    // A callee returning 7 bytes, then an account without code: empty again.
    let r = Test::new(
        "(drop (call $call (i64.const 10000) (global.get $CALLEE) (global.get $ZERO) (i32.const 0) (i32.const 0)))
         (i32.store (i32.const 0) (call $getReturnDataSize))
         (drop (call $call (i64.const 10000) (global.get $PLAIN) (global.get $ZERO) (i32.const 0) (i32.const 0)))
         (i32.store (i32.const 4) (call $getReturnDataSize))",
    )
    .callee("(call $finish (global.get $DATA) (i32.const 7))")
    .returning(0, 8)
    .run();
    assert_success(&r, 2 * (700 + 2));
    assert_eq!((le_u32(&r.output[..4]), le_u32(&r.output[4..])), (7, 0));
}

// ---------------------------------------------------------------------------
// returnDataCopy

/// Calls CALLEE without value or data, then runs `then`.
fn after_calling_callee(then: &str) -> String {
    format!(
        "(drop (call $call (i64.const 10000) (global.get $CALLEE) (global.get $ZERO) (i32.const 0) (i32.const 0))) {then}"
    )
}

#[test]
fn return_data_copy_copies_the_callees_output_and_costs_3_plus_3_per_word() {
    let r = Test::new(&after_calling_callee(
        "(call $returnDataCopy (global.get $DIRTY) (i32.const 2) (i32.const 5))",
    ))
    .callee("(call $finish (global.get $DATA) (i32.const 12))")
    .returning(672, 8)
    .run();
    assert_success(&r, 700 + 3 + 3);
    assert_eq!(r.output, b"llo, \xff\xff\xff");
}

#[test]
fn return_data_copy_charges_3_per_started_word() {
    for (len, gas) in [(0, 3), (1, 6), (32, 6), (33, 9), (64, 9)] {
        let r = Test::new(&after_calling_callee(&format!(
            "(call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const {len}))"
        )))
        .callee("(call $finish (i32.const 256) (i32.const 64))")
        .run();
        assert_eq!(r.status, Status::Success, "returnDataCopy of {len} bytes");
        assert_eq!(r.gas_used, 700 + gas, "returnDataCopy of {len} bytes");
    }
}

#[test]
fn return_data_copy_past_the_end_of_the_return_data_fails_instead_of_padding() {
    for (offset, len) in [(3, 10), (12, 1), (13, 0), (0xffff_ffffu32, 2)] {
        let r = Test::new(&after_calling_callee(&format!(
            "(call $returnDataCopy (i32.const 0) (i32.const {offset}) (i32.const {len}))"
        )))
        .callee("(call $finish (global.get $DATA) (i32.const 12))")
        .run();
        assert_eq!(
            (r.status, r.gas_left),
            (Status::InvalidMemoryAccess, 0),
            "returnDataCopy of {len} bytes at {offset} of 12"
        );
    }
}

#[test]
fn return_data_copy_before_any_call_fails_for_one_byte_and_not_for_none() {
    assert_failed(
        &run("(call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 1))"),
        Status::InvalidMemoryAccess,
    );
    assert_success(
        &run("(call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 0))"),
        3,
    );
}

#[test]
fn return_data_copy_result_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked_with(
        "returnDataCopy(resultOffset, 0, 8)",
        &after_calling_callee("(call $returnDataCopy {p} (i32.const 0) (i32.const 8))"),
        |body| Test::new(body).callee("(call $finish (global.get $DATA) (i32.const 12))"),
    );
}

// ---------------------------------------------------------------------------
// The four copies together

#[test]
fn copies_charge_their_gas_before_checking_bounds() {
    // 3 × ⌈(2^32 - 1) / 32⌉ is more gas than there is: out of gas, although
    // no source holds that many bytes.
    let copies = [
        ("callDataCopy", "(call $callDataCopy (i32.const 0) (i32.const 0) (i32.const 0xffffffff))"),
        ("codeCopy", "(call $codeCopy (i32.const 0) (i32.const 0) (i32.const 0xffffffff))"),
        ("returnDataCopy", "(call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 0xffffffff))"),
        (
            "externalCodeCopy",
            "(call $externalCodeCopy (global.get $OTHER) (i32.const 0) (i32.const 0) (i32.const 0xffffffff))",
        ),
    ];
    for (name, body) in copies {
        let r = run(body);
        assert_eq!((r.status, r.gas_left), (Status::OutOfGas, 0), "{name}");
    }
}

// ---------------------------------------------------------------------------
// call, callCode, callDelegate, callStatic: what they share

/// `call` with `gas`, to the address at `$to`, the u128 at `$value`, no
/// data; its result stored at 60.
fn call_to(gas: &str, to: &str, value: &str) -> String {
    format!(
        "(i32.store (i32.const 60) (call $call (i64.const {gas}) (global.get ${to}) (global.get ${value}) (i32.const 0) (i32.const 0)))"
    )
}

/// `callCode` like [`call_to`].
fn call_code_to(gas: &str, to: &str, value: &str) -> String {
    format!(
        "(i32.store (i32.const 60) (call $callCode (i64.const {gas}) (global.get ${to}) (global.get ${value}) (i32.const 0) (i32.const 0)))"
    )
}

/// `callDelegate` with `gas` to the address at `$to`, no data; its result
/// stored at 60.
fn call_delegate_to(gas: &str, to: &str) -> String {
    format!(
        "(i32.store (i32.const 60) (call $callDelegate (i64.const {gas}) (global.get ${to}) (i32.const 0) (i32.const 0)))"
    )
}

/// `callStatic` like [`call_delegate_to`].
fn call_static_to(gas: &str, to: &str) -> String {
    format!(
        "(i32.store (i32.const 60) (call $callStatic (i64.const {gas}) (global.get ${to}) (i32.const 0) (i32.const 0)))"
    )
}

/// The four, without value, with `gas` to the address at `$to`.
fn each_call_function(gas: &str, to: &str) -> [(&'static str, String); 4] {
    [
        ("call", call_to(gas, to, "ZERO")),
        ("callCode", call_code_to(gas, to, "ZERO")),
        ("callDelegate", call_delegate_to(gas, to)),
        ("callStatic", call_static_to(gas, to)),
    ]
}

/// The result of the call stored at 60 by the functions above.
fn result_of(run: &Run) -> u32 {
    le_u32(&run.output[60..64])
}

#[test]
fn every_call_function_without_value_costs_700_and_returns_0() {
    // PLAIN has no code: all the forwarded gas comes back.
    for (name, call) in each_call_function("1000", "PLAIN") {
        let r = Test::new(&call).returning(0, 64).run();
        assert_eq!(r.status, Status::Success, "{name}");
        assert_eq!(r.gas_used, 700, "{name}");
        assert_eq!(result_of(&r), 0, "{name}");
        assert!(r.changed_nothing(), "{name}");
    }
}

#[test]
fn every_call_function_gives_the_callee_the_address_caller_and_value_of_its_kind() {
    // This call came from CALLER with 5 wei; call and callCode send 1 more.
    // The callee reports getAddress, getCaller, getCallValue (6 gas), and
    // 56 bytes come back through returnDataCopy (9 gas).
    let with_value = 700 + 9_000 - 2_300 + 6 + 9;
    let without = 700 + 6 + 9;
    // callDelegate carries the current value (5) but transfers nothing:
    // unlike Hera, its callee gets no stipend (EVM DELEGATECALL).
    let delegated = without;
    let rows = [
        (
            "call",
            call_to("100000", "CALLEE", "ONE"),
            CALLEE,
            CONTRACT,
            1u128,
            with_value,
        ),
        (
            "callCode",
            call_code_to("100000", "CALLEE", "ONE"),
            CONTRACT,
            CONTRACT,
            1,
            with_value,
        ),
        (
            "callDelegate",
            call_delegate_to("100000", "CALLEE"),
            CONTRACT,
            CALLER,
            5,
            delegated,
        ),
        (
            "callStatic",
            call_static_to("100000", "CALLEE"),
            CALLEE,
            CONTRACT,
            0,
            without,
        ),
    ];
    for (name, call, address, caller, value, gas) in rows {
        let r = Test::new(&format!(
            "{call} (call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 56))"
        ))
        .callee(REPORTS_CONTEXT)
        .value(U256::from(5))
        .returning(0, 64)
        .run();
        assert_eq!(r.status, Status::Success, "{name}");
        assert_eq!(r.gas_used, gas, "{name}");
        assert_eq!(result_of(&r), 0, "{name}");
        assert_eq!(r.output[..20], address.0, "{name}: the callee's getAddress");
        assert_eq!(r.output[20..40], caller.0, "{name}: the callee's getCaller");
        assert_eq!(
            r.output[40..56],
            value.to_le_bytes(),
            "{name}: the callee's getCallValue"
        );
    }
}

#[test]
fn every_call_function_but_call_static_lets_the_callee_store_where_its_kind_says() {
    // call acts on the callee's account; callCode and callDelegate on this one.
    let rows = [
        (
            "call",
            call_to("100000", "CALLEE", "ZERO"),
            CALLEE,
            CONTRACT,
        ),
        (
            "callCode",
            call_code_to("100000", "CALLEE", "ZERO"),
            CONTRACT,
            CALLEE,
        ),
        (
            "callDelegate",
            call_delegate_to("100000", "CALLEE"),
            CONTRACT,
            CALLEE,
        ),
    ];
    for (name, call, written, untouched) in rows {
        let r = Test::new(&call).callee(STORES).returning(0, 64).run();
        assert_eq!(r.status, Status::Success, "{name}");
        assert_eq!(r.gas_used, 700 + 20_000, "{name}");
        assert_eq!(result_of(&r), 0, "{name}");
        assert_eq!(r.storage(written, KEY), VALUE, "{name}");
        assert_eq!(r.storage(untouched, KEY), Bytes32::ZERO, "{name}");
    }
}

#[test]
fn every_call_function_from_a_static_call_runs_a_static_callee() {
    // The callee's storageStore fails: result 1, the 10,000 forwarded lost.
    for (name, call) in each_call_function("10000", "CALLEE") {
        let r = Test::new(&call)
            .callee(STORES)
            .static_call()
            .returning(0, 64)
            .run();
        assert_eq!(r.status, Status::Success, "{name}");
        assert_eq!(r.gas_used, 700 + 10_000, "{name}");
        assert_eq!(result_of(&r), 1, "{name}");
        assert!(r.changed_nothing(), "{name}");
    }
}

#[test]
fn every_call_function_with_a_negative_gas_is_out_of_range() {
    for (name, call) in each_call_function("-1", "PLAIN") {
        let r = run(&call);
        assert_eq!(
            (r.status, r.gas_left),
            (Status::ArgumentOutOfRange, 0),
            "{name}"
        );
    }
}

#[test]
fn every_call_function_forwards_all_but_one_64th_of_the_gas_left() {
    // Left after the 700: 999,300; forwarded: 999,300 - 999,300 / 64 =
    // 983,686, which the callee sees less the 2 of getGasLeft. It hands
    // back what it does not use; the caller copies 8 bytes (6 gas).
    for (name, call) in each_call_function("0x7fffffffffffffff", "CALLEE") {
        let r = Test::new(&format!(
            "{call} (call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 8))"
        ))
        .callee(REPORTS_GAS_LEFT)
        .returning(0, 64)
        .run();
        assert_eq!(r.status, Status::Success, "{name}");
        assert_eq!(r.gas_used, 700 + 2 + 6, "{name}");
        assert_eq!(result_of(&r), 0, "{name}");
        assert_eq!(le_i64(&r.output[..8]), 983_684, "{name}: callee's gas left");
    }
}

#[test]
fn every_call_function_at_depth_1024_returns_1_and_costs_700() {
    // Nothing past the 700 is charged, not even for the value.
    let calls = [
        ("call with value", call_to("1000", "CALLEE", "ONE")),
        ("callCode with value", call_code_to("1000", "CALLEE", "ONE")),
        ("callDelegate", call_delegate_to("1000", "CALLEE")),
        ("callStatic", call_static_to("1000", "CALLEE")),
    ];
    for (name, call) in calls {
        let r = Test::new(&call)
            .callee(STORES)
            .depth(1024)
            .returning(0, 64)
            .run();
        assert_eq!(r.status, Status::Success, "{name}");
        assert_eq!(r.gas_used, 700, "{name}");
        assert_eq!(result_of(&r), 1, "{name}");
        assert!(r.changed_nothing(), "{name}");
    }
}

// ---------------------------------------------------------------------------
// call

#[test]
fn call_with_value_to_an_existing_account_costs_700_plus_9000_less_the_unused_stipend() {
    // The account has no code, so the 2,300 stipend comes back unused.
    let r = Test::new(&call_to("0", "PLAIN", "ONE"))
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 9_000 - 2_300);
    assert_eq!(result_of(&r), 0);
    assert_eq!(r.balance(PLAIN), U256::from(PLAIN_BALANCE + 1));
    assert_eq!(r.balance(CONTRACT), U256::from(CONTRACT_BALANCE - 1));
}

#[test]
fn call_with_value_to_a_missing_or_empty_account_costs_25000_more() {
    for empty_account_there in [false, true] {
        let mut test = Test::new(&call_to("0", "NOBODY", "ONE")).returning(0, 64);
        if empty_account_there {
            test = test.account(NOBODY, |_| ());
        }
        let r = test.run();
        let what = if empty_account_there {
            "empty"
        } else {
            "missing"
        };
        assert_eq!(r.status, Status::Success, "{what}");
        assert_eq!(r.gas_used, 700 + 9_000 + 25_000 - 2_300, "{what}");
        assert_eq!(result_of(&r), 0, "{what}");
        assert_eq!(r.balance(NOBODY), U256::one(), "{what}");
    }
}

#[test]
fn call_without_value_to_a_missing_account_costs_700() {
    let r = Test::new(&call_to("0", "NOBODY", "ZERO"))
        .returning(0, 64)
        .run();
    assert_success(&r, 700);
    assert_eq!(result_of(&r), 0);
}

#[test]
fn call_with_value_forwards_all_but_one_64th_plus_the_2300_stipend() {
    // Left after 700 + 9,000: 990,300; forwarded: 990,300 - 15,473 =
    // 974,827; the callee gets 2,300 more.
    let r = Test::new(&format!(
        "{} (call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 8))",
        call_to("0x7fffffffffffffff", "CALLEE", "ONE")
    ))
    .callee(REPORTS_GAS_LEFT)
    .returning(0, 64)
    .run();
    assert_success(&r, 700 + 9_000 + 2 - 2_300 + 6);
    assert_eq!(result_of(&r), 0);
    assert_eq!(le_i64(&r.output[..8]), 974_827 + 2_300 - 2);
}

#[test]
fn call_forwards_the_gas_asked_for_when_that_is_less() {
    let r = Test::new(&format!(
        "{} (call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 8))",
        call_to("5000", "CALLEE", "ZERO")
    ))
    .callee(REPORTS_GAS_LEFT)
    .returning(0, 64)
    .run();
    assert_success(&r, 700 + 2 + 6);
    assert_eq!(le_i64(&r.output[..8]), 4_998);
}

#[test]
fn call_to_code_that_fails_returns_1_and_loses_the_forwarded_gas_and_stipend() {
    // OTHER's code is not Wasm.
    let r = Test::new(&call_to("1000", "OTHER", "ONE"))
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 9_000 + 1_000);
    assert_eq!(result_of(&r), 1);
    assert_eq!(r.balance(OTHER), U256::from(OTHER_BALANCE), "value back");
    assert_eq!(r.balance(CONTRACT), U256::from(CONTRACT_BALANCE));
}

#[test]
fn call_returns_2_when_the_callee_reverts_and_its_data_is_the_return_data() {
    let r = Test::new(&format!(
        "{} (i32.store (i32.const 64) (call $getReturnDataSize))
         (call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 12))",
        call_to("10000", "CALLEE", "ZERO")
    ))
    .callee(REVERTS)
    .returning(0, 68)
    .run();
    assert_success(&r, 700 + 2 + 6);
    assert_eq!(result_of(&r), 2);
    assert_eq!(le_u32(&r.output[64..]), 12);
    assert_eq!(r.output[..12], *DATA);
}

#[test]
fn call_to_a_callee_that_reverts_undoes_its_storage_and_the_value() {
    // Forwarded 100,000 + 2,300; the callee spends 20,000 and reverts.
    let r = Test::new(&call_to("100000", "CALLEE", "ONE"))
        .callee(&format!(
            "{STORES} (call $revert (i32.const 0) (i32.const 0))"
        ))
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 9_000 + 20_000 - 2_300);
    assert_eq!(result_of(&r), 2);
    assert_eq!(r.storage(CALLEE, KEY), Bytes32::ZERO);
    assert_eq!(r.balance(CALLEE), U256::zero());
    assert_eq!(r.balance(CONTRACT), U256::from(CONTRACT_BALANCE));
}

#[test]
fn call_passes_its_data_to_the_callee() {
    let r = Test::new(
        "(drop (call $call (i64.const 100000) (global.get $CALLEE) (global.get $ZERO) (global.get $DATA) (i32.const 12)))
         (call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 12))",
    )
    .callee(ECHOES)
    .returning(0, 12)
    .run();
    // The callee: getCallDataSize, callDataCopy of 12 bytes, getCallDataSize.
    assert_success(&r, 700 + (2 + 6 + 2) + 6);
    assert_eq!(r.output, DATA);
}

#[test]
fn call_ignores_the_data_pointer_when_the_length_is_zero() {
    let r = run(
        "(drop (call $call (i64.const 0) (global.get $PLAIN) (global.get $ZERO)
                   (i32.const 0xffffffff) (i32.const 0)))",
    );
    assert_success(&r, 700);
}

#[test]
fn call_with_more_value_than_the_balance_returns_1_and_costs_700_plus_9000() {
    // No 25,000 for the missing account: the balance check comes first.
    let r = Test::new(&call_to("1000", "NOBODY", "MAX"))
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 9_000);
    assert_eq!(result_of(&r), 1);
    assert!(r.world.get(&NOBODY).is_none());
}

#[test]
fn call_refused_for_lack_of_balance_keeps_the_previous_return_data() {
    let r = Test::new(&after_calling_callee(&format!(
        "{} (i32.store (i32.const 64) (call $getReturnDataSize))",
        call_to("1000", "NOBODY", "MAX")
    )))
    .callee("(call $finish (global.get $DATA) (i32.const 7))")
    .returning(0, 68)
    .run();
    assert_success(&r, 700 + (700 + 9_000) + 2);
    assert_eq!(result_of(&r), 1);
    assert_eq!(le_u32(&r.output[64..]), 7);
}

#[test]
fn call_with_value_from_an_account_holding_2_to_the_128_is_out_of_range() {
    let r = Test::new(&call_to("1000", "PLAIN", "ONE"))
        .account(CONTRACT, |a| a.balance = U256::one() << 128)
        .run();
    assert_failed(&r, Status::ArgumentOutOfRange);
}

#[test]
fn call_at_depth_1023_still_calls() {
    let r = Test::new(&call_to("1000", "PLAIN", "ONE"))
        .depth(1023)
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 9_000 - 2_300);
    assert_eq!(result_of(&r), 0);
}

#[test]
fn call_reads_its_data_before_checking_the_depth() {
    let r = Test::new(
        "(drop (call $call (i64.const 0) (global.get $PLAIN) (global.get $ZERO)
            (i32.const 0xffffffff) (i32.const 4)))",
    )
    .depth(1024)
    .run();
    assert_failed(&r, Status::InvalidMemoryAccess);
}

#[test]
fn call_with_value_in_a_static_call_fails_and_moves_nothing() {
    let r = Test::new(&call_to("1000", "PLAIN", "ONE"))
        .static_call()
        .run();
    assert_failed(&r, Status::StaticModeViolation);
    // The static check comes before the data is read.
    let r = Test::new(
        "(drop (call $call (i64.const 0) (global.get $PLAIN) (global.get $ONE)
            (i32.const 0xffffffff) (i32.const 4)))",
    )
    .static_call()
    .run();
    assert_failed(&r, Status::StaticModeViolation);
}

#[test]
fn call_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "call(…, addressOffset, …)",
        "(drop (call $call (i64.const 0) {p} (global.get $ZERO) (i32.const 0) (i32.const 0)))",
    );
    assert_pointer_checked(
        "call(…, valueOffset, …)",
        "(drop (call $call (i64.const 0) (global.get $PLAIN) {p} (i32.const 0) (i32.const 0)))",
    );
    assert_pointer_checked(
        "call(…, dataOffset, 4)",
        "(drop (call $call (i64.const 0) (global.get $PLAIN) (global.get $ZERO) {p} (i32.const 4)))",
    );
}

// ---------------------------------------------------------------------------
// callCode

#[test]
fn call_code_with_value_costs_9000_more_and_never_the_25000() {
    // The value stays with this account; a missing target costs nothing more.
    let r = Test::new(&call_code_to("0", "NOBODY", "ONE"))
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 9_000 - 2_300);
    assert_eq!(result_of(&r), 0);
    assert_eq!(r.balance(CONTRACT), U256::from(CONTRACT_BALANCE));
    assert!(r.world.get(&NOBODY).is_none());
}

#[test]
fn call_code_with_value_is_not_refused_in_a_static_call() {
    // Hera checks the static flag for `call` with value only.
    let r = Test::new(&call_code_to("0", "PLAIN", "ONE"))
        .static_call()
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 9_000 - 2_300);
    assert_eq!(result_of(&r), 0);
    assert!(r.changed_nothing());
}

#[test]
fn call_code_with_more_value_than_the_balance_returns_1() {
    let r = Test::new(&call_code_to("1000", "CALLEE", "MAX"))
        .callee(STORES)
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 9_000);
    assert_eq!(result_of(&r), 1);
    assert_eq!(r.storage(CONTRACT, KEY), Bytes32::ZERO, "callee not run");
}

#[test]
fn call_code_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "callCode(…, addressOffset, …)",
        "(drop (call $callCode (i64.const 0) {p} (global.get $ZERO) (i32.const 0) (i32.const 0)))",
    );
    assert_pointer_checked(
        "callCode(…, valueOffset, …)",
        "(drop (call $callCode (i64.const 0) (global.get $PLAIN) {p} (i32.const 0) (i32.const 0)))",
    );
    assert_pointer_checked(
        "callCode(…, dataOffset, 4)",
        "(drop (call $callCode (i64.const 0) (global.get $PLAIN) (global.get $ZERO) {p} (i32.const 4)))",
    );
}

// ---------------------------------------------------------------------------
// callDelegate

#[test]
fn call_delegate_moves_no_value_and_charges_nothing_for_it() {
    // This call brought 5 wei; the delegate call passes it on as its value
    // (see the table above) but transfers nothing and costs only the 700.
    // (Hera's eeiCall added the 2,300 stipend for any non-zero message
    // value, so this used -1,600 gas: a frame could mint gas.)
    let r = Test::new(&call_delegate_to("1000", "NOBODY"))
        .value(U256::from(5))
        .returning(0, 64)
        .run();
    assert_success(&r, 700);
    assert_eq!(result_of(&r), 0);
    assert!(r.world.get(&NOBODY).is_none());
    assert_eq!(r.balance(CONTRACT), U256::from(CONTRACT_BALANCE + 5));
}

#[test]
fn call_delegate_in_a_call_with_value_gets_no_stipend() {
    // Step 2: callDelegate's value is the current value; but step 8's
    // stipend goes only with a value transfer that paid the 9,000 (spec
    // (b), step 8: Hera's stipend for callDelegate minted gas).
    let r = Test::new(&format!(
        "{} (call $returnDataCopy (i32.const 0) (i32.const 0) (i32.const 8))",
        call_delegate_to("5000", "CALLEE")
    ))
    .callee(REPORTS_GAS_LEFT)
    .value(U256::from(5))
    .returning(0, 64)
    .run();
    assert_eq!(r.status, Status::Success);
    assert_eq!(le_i64(&r.output[..8]), 5_000 - 2, "callee's gas left");
    assert_eq!(r.gas_used, 700 + 2 + 6);
}

#[test]
fn call_delegate_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "callDelegate(…, addressOffset, …)",
        "(drop (call $callDelegate (i64.const 0) {p} (i32.const 0) (i32.const 0)))",
    );
    assert_pointer_checked(
        "callDelegate(…, dataOffset, 4)",
        "(drop (call $callDelegate (i64.const 0) (global.get $PLAIN) {p} (i32.const 4)))",
    );
}

// ---------------------------------------------------------------------------
// callStatic

#[test]
fn call_static_makes_the_callee_static() {
    // From a call that is not static, the callee's storageStore fails:
    // result 1, the 10,000 forwarded lost, nothing stored.
    let r = Test::new(&call_static_to("10000", "CALLEE"))
        .callee(STORES)
        .returning(0, 64)
        .run();
    assert_success(&r, 700 + 10_000);
    assert_eq!(result_of(&r), 1);
    assert_eq!(r.storage(CALLEE, KEY), Bytes32::ZERO);
}

#[test]
fn call_static_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "callStatic(…, addressOffset, …)",
        "(drop (call $callStatic (i64.const 0) {p} (i32.const 0) (i32.const 0)))",
    );
    assert_pointer_checked(
        "callStatic(…, dataOffset, 4)",
        "(drop (call $callStatic (i64.const 0) (global.get $PLAIN) {p} (i32.const 4)))",
    );
}

// ---------------------------------------------------------------------------
// create

/// `create` with the u128 at `$value` and `len` bytes of init code at
/// `$INIT`; the address written at 0, the result stored at 60.
fn create_with(value: &str, len: usize) -> String {
    format!(
        "(i32.store (i32.const 60) (call $create (global.get ${value}) (global.get $INIT) (i32.const {len}) (i32.const 0)))"
    )
}

/// Init code that deploys "hel" (3 bytes, not Wasm).
fn deploys_hel() -> Vec<u8> {
    contract("(call $finish (global.get $DATA) (i32.const 3))", &[])
}

/// The address written at 0 by [`create_with`].
fn created(run: &Run) -> Address {
    Address(run.output[..20].try_into().unwrap())
}

#[test]
fn create_with_no_init_code_costs_32000_writes_the_address_and_returns_0() {
    let r = Test::new(&create_with("ZERO", 0)).returning(0, 64).run();
    assert_success(&r, 32_000);
    assert_eq!(result_of(&r), 0);
    let address = create_address(&CONTRACT, 0);
    assert_eq!(created(&r), address);
    let account = r.world.get(&address).expect("the new account");
    assert_eq!((account.nonce, account.code.len()), (1, 0));
    assert_eq!(r.nonce(CONTRACT), Some(1), "the creator's nonce");
}

#[test]
fn create_deploys_the_output_of_the_init_code_for_200_a_byte() {
    let init = deploys_hel();
    let r = Test::new(&create_with("ZERO", init.len()))
        .init_code(init)
        .returning(0, 64)
        .run();
    assert_success(&r, 32_000 + 3 * 200);
    assert_eq!(result_of(&r), 0);
    assert_eq!(created(&r), create_address(&CONTRACT, 0));
    assert_eq!(*r.world.get(&created(&r)).unwrap().code, b"hel");
}

#[test]
fn create_moves_the_value_to_the_new_account() {
    let r = Test::new(&create_with("ONE", 0)).returning(0, 64).run();
    assert_success(&r, 32_000);
    assert_eq!(r.balance(created(&r)), U256::one());
    assert_eq!(r.balance(CONTRACT), U256::from(CONTRACT_BALANCE - 1));
}

#[test]
fn create_addresses_follow_the_creators_nonce() {
    let r = Test::new(&format!(
        "{} (drop (call $create (global.get $ZERO) (i32.const 0) (i32.const 0) (i32.const 20)))",
        create_with("ZERO", 0)
    ))
    .returning(0, 40)
    .run();
    assert_success(&r, 64_000);
    assert_eq!(created(&r), create_address(&CONTRACT, 0));
    assert_eq!(r.output[20..40], create_address(&CONTRACT, 1).0);
    assert_eq!(r.nonce(CONTRACT), Some(2));
}

#[test]
fn create_clears_the_return_data_when_it_succeeds() {
    let r = Test::new(&after_calling_callee(&format!(
        "(i32.store (i32.const 64) (call $getReturnDataSize))
         {}
         (i32.store (i32.const 68) (call $getReturnDataSize))",
        create_with("ZERO", 0)
    )))
    .callee("(call $finish (global.get $DATA) (i32.const 7))")
    .returning(0, 72)
    .run();
    assert_success(&r, 700 + 2 + 32_000 + 2);
    assert_eq!(result_of(&r), 0);
    assert_eq!(le_u32(&r.output[64..68]), 7, "before");
    assert_eq!(le_u32(&r.output[68..72]), 0, "after");
}

#[test]
fn create_whose_init_code_reverts_returns_2_with_its_data_as_return_data() {
    let init = contract(REVERTS, &[]);
    let r = Test::new(&format!(
        "{} (i32.store (i32.const 64) (call $getReturnDataSize))
         (call $returnDataCopy (i32.const 20) (i32.const 0) (i32.const 12))",
        create_with("ONE", init.len())
    ))
    .init_code(init)
    .returning(0, 68)
    .run();
    assert_success(&r, 32_000 + 2 + 6);
    assert_eq!(result_of(&r), 2);
    assert_eq!(r.output[..20], [0; 20], "no address written");
    assert_eq!(r.output[20..32], *DATA);
    assert_eq!(le_u32(&r.output[64..68]), 12);
    assert!(r.world.get(&create_address(&CONTRACT, 0)).is_none());
    assert_eq!(r.balance(CONTRACT), U256::from(CONTRACT_BALANCE));
    assert_eq!(r.nonce(CONTRACT), Some(1), "the nonce stays used");
}

#[test]
fn create_whose_init_code_fails_returns_1_and_loses_all_but_one_64th() {
    // Left after the 32,000: 968,000; forwarded: 968,000 - 15,125.
    let init = contract("(unreachable)", &[]);
    let r = Test::new(&create_with("ZERO", init.len()))
        .init_code(init)
        .returning(0, 64)
        .run();
    assert_success(&r, 32_000 + 952_875);
    assert_eq!(result_of(&r), 1);
    assert!(r.world.get(&create_address(&CONTRACT, 0)).is_none());
}

#[test]
fn create_with_more_value_than_the_balance_returns_1_and_costs_32000() {
    let r = Test::new(&create_with("MAX", 0)).returning(0, 64).run();
    assert_success(&r, 32_000);
    assert_eq!(result_of(&r), 1);
    assert_eq!(r.nonce(CONTRACT), Some(0));
}

#[test]
fn create_refused_for_lack_of_balance_does_not_read_the_init_code() {
    let r = Test::new(
        "(i32.store (i32.const 60) (call $create (global.get $MAX) (i32.const 0xffffffff) (i32.const 4) (i32.const 0)))",
    )
    .returning(0, 64)
    .run();
    assert_success(&r, 32_000);
    assert_eq!(result_of(&r), 1);
}

#[test]
fn create_from_an_account_holding_2_to_the_128_is_out_of_range() {
    // The creator's balance must fit 128 bits, even for a create without value.
    let r = Test::new(&create_with("ZERO", 0))
        .account(CONTRACT, |a| a.balance = U256::one() << 128)
        .run();
    assert_failed(&r, Status::ArgumentOutOfRange);
}

#[test]
fn create_at_depth_1024_returns_1_and_costs_32000() {
    let r = Test::new(&create_with("ZERO", 0))
        .depth(1024)
        .returning(0, 64)
        .run();
    assert_success(&r, 32_000);
    assert_eq!(result_of(&r), 1);
    assert_eq!(r.nonce(CONTRACT), Some(0));
}

#[test]
fn create_in_a_static_call_fails_and_creates_nothing() {
    let r = Test::new(&create_with("ZERO", 0)).static_call().run();
    assert_failed(&r, Status::StaticModeViolation);
}

#[test]
fn create_pointers_outside_memory_are_invalid_memory_accesses() {
    assert_pointer_checked(
        "create(valueOffset, …)",
        "(drop (call $create {p} (global.get $INIT) (i32.const 0) (i32.const 0)))",
    );
    assert_pointer_checked(
        "create(…, dataOffset, 4, …)",
        "(drop (call $create (global.get $ZERO) {p} (i32.const 4) (i32.const 0)))",
    );
    assert_pointer_checked(
        "create(…, resultOffset)",
        "(drop (call $create (global.get $ZERO) (global.get $INIT) (i32.const 0) {p}))",
    );
}

// ---------------------------------------------------------------------------
// selfDestruct

#[test]
fn self_destruct_to_an_existing_account_costs_5000_and_moves_the_balance() {
    let r = run("(call $selfDestruct (global.get $OTHER))");
    assert_success(&r, 5_000);
    assert!(r.output.is_empty());
    assert_eq!(r.balance(CONTRACT), U256::zero());
    assert_eq!(
        r.balance(OTHER),
        U256::from(OTHER_BALANCE + CONTRACT_BALANCE)
    );
}

#[test]
fn self_destruct_to_a_missing_or_empty_account_costs_25000_more() {
    for empty_account_there in [false, true] {
        let mut test = Test::new("(call $selfDestruct (global.get $NOBODY))");
        if empty_account_there {
            test = test.account(NOBODY, |_| ());
        }
        let r = test.run();
        let what = if empty_account_there {
            "empty"
        } else {
            "missing"
        };
        assert_eq!(r.status, Status::Success, "{what}");
        assert_eq!(r.gas_used, 30_000, "{what}");
        assert_eq!(r.balance(NOBODY), U256::from(CONTRACT_BALANCE), "{what}");
        assert_eq!(r.balance(CONTRACT), U256::zero(), "{what}");
    }
}

#[test]
fn self_destruct_pays_for_a_new_account_even_with_nothing_to_send() {
    let r = Test::new("(call $selfDestruct (global.get $NOBODY))")
        .account(CONTRACT, |a| a.balance = U256::zero())
        .run();
    assert_success(&r, 30_000);
}

#[test]
fn self_destruct_ends_the_run_as_a_success() {
    let r = run("(call $selfDestruct (global.get $OTHER))
         (call $storageStore (global.get $KEY) (global.get $VALUE))
         (unreachable)");
    assert_success(&r, 5_000);
    assert_eq!(r.storage(CONTRACT, KEY), Bytes32::ZERO);
}

#[test]
fn self_destruct_in_a_static_call_fails_and_moves_nothing() {
    let r = Test::new("(call $selfDestruct (global.get $OTHER))")
        .static_call()
        .run();
    assert_failed(&r, Status::StaticModeViolation);
    // The static check comes before the pointer is read.
    let r = Test::new("(call $selfDestruct (i32.const 0xffffffff))")
        .static_call()
        .run();
    assert_failed(&r, Status::StaticModeViolation);
}

#[test]
fn self_destruct_beneficiary_outside_memory_is_an_invalid_memory_access() {
    assert_pointer_checked("selfDestruct(addressOffset)", "(call $selfDestruct {p})");
}
