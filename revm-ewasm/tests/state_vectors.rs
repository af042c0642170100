//! The shared Ewasm state-test vectors run through revm: revm's database,
//! Byzantium transaction rules and EVM, the Wasm code on Iris. Every case
//! must give the post-state root and logs hash Hera's fill recorded.
//!
//! The vectors are parsed, and the post-state root computed, by the
//! `state` crate (its world only holds revm's post-state for hashing).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ewasm_host::{ExecConfig, Executor};
use revm::bytecode::Bytecode;
use revm::context::result::ExecutionResult;
use revm::context::{BlockEnv, CfgEnv, Context, TxEnv};
use revm::database::{AccountState, InMemoryDB};
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, TxKind, KECCAK_EMPTY, U256};
use revm::state::AccountInfo;
use revm::{DatabaseCommit, ExecuteEvm, MainContext};
use revm_ewasm::EwasmBuilder;
use state::statetest::{parse_file, Case};

/// Every vector file under `../shared/ewasm-tests` (or `IRIS_EWASM_TESTS`),
/// sorted; a missing directory fails.
fn vector_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("vectors {} are missing ({e})", dir.display()));
        for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let dir = match std::env::var_os("IRIS_EWASM_TESTS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/ewasm-tests"),
    };
    let mut files = Vec::new();
    walk(&dir, &mut files);
    files.sort();
    files
}

fn address(address: &ewasm_host::Address) -> Address {
    Address::from(address.0)
}

fn u256(value: ewasm_host::U256) -> U256 {
    U256::from_be_bytes(value.to_big_endian())
}

/// The case's pre-state as a revm database.
fn pre_state(case: &Case) -> InMemoryDB {
    let mut db = InMemoryDB::default();
    for (account_address, account) in case.pre.accounts() {
        let mut info = AccountInfo {
            balance: u256(account.balance),
            nonce: account.nonce,
            code_hash: KECCAK_EMPTY,
            ..AccountInfo::default()
        };
        if !account.code.is_empty() {
            let code = Bytecode::new_raw(Bytes::from(account.code.to_vec()));
            info.code_hash = code.hash_slow();
            info.code = Some(code);
        }
        db.insert_account_info(address(account_address), info);
        for (key, value) in &account.storage {
            db.insert_account_storage(
                address(account_address),
                U256::from_be_bytes(key.0),
                U256::from_be_bytes(value.0),
            )
            .expect("an in-memory database");
        }
    }
    db
}

/// revm's post-state and logs as the `state` crate's world, for its root
/// and logs hash.
fn post_world(db: &InMemoryDB, result: Option<&ExecutionResult>) -> state::World {
    let mut world = state::World::default();
    for (account_address, account) in &db.cache.accounts {
        if matches!(account.account_state, AccountState::NotExisting) {
            continue;
        }
        let code = account
            .info
            .code
            .as_ref()
            .or_else(|| db.cache.contracts.get(&account.info.code_hash))
            .map(|code| code.original_bytes().to_vec())
            .unwrap_or_default();
        let mut post = state::Account {
            nonce: account.info.nonce,
            balance: ewasm_host::U256::from_big_endian(&account.info.balance.to_be_bytes::<32>()),
            code: Arc::new(code),
            ..state::Account::default()
        };
        for (key, value) in account.storage.iter().filter(|(_, value)| !value.is_zero()) {
            post.storage.insert(
                ewasm_host::Bytes32(key.to_be_bytes()),
                ewasm_host::Bytes32(value.to_be_bytes()),
            );
        }
        // EIP-161: an empty account touched by the transaction is gone.
        if !post.is_empty() {
            world.insert(ewasm_host::Address(account_address.into_array()), post);
        }
    }
    for log in result.map_or(&[][..], ExecutionResult::logs) {
        world.log(state::Log {
            address: ewasm_host::Address(log.address.into_array()),
            topics: log
                .topics()
                .iter()
                .map(|topic| ewasm_host::Bytes32(topic.0))
                .collect(),
            data: log.data.data.to_vec(),
        });
    }
    world
}

/// Runs one case on revm; whether its root and logs hash match.
fn passes(case: &Case, executor: &Arc<Executor>) -> bool {
    let context = &case.env.tx;
    let block = BlockEnv {
        number: U256::from(context.number),
        beneficiary: address(&context.coinbase),
        timestamp: U256::from(context.timestamp),
        gas_limit: u64::try_from(context.gas_limit).expect("a positive gas limit"),
        basefee: 0,
        difficulty: u256(context.difficulty),
        prevrandao: None,
        ..BlockEnv::default()
    };
    let mut cfg = CfgEnv::new_with_spec(SpecId::BYZANTIUM);
    cfg.chain_id = 1;
    // Filled in 2019: one sender has code.
    cfg.disable_eip3607 = true;
    let tx = &case.tx;
    let kind = match tx.to {
        Some(to) => TxKind::Call(address(&to)),
        None => TxKind::Create,
    };
    let tx = TxEnv::builder()
        .caller(address(&tx.sender))
        .nonce(tx.nonce)
        .gas_price(tx.gas_price.low_u128())
        .gas_limit(tx.gas_limit)
        .kind(kind)
        .value(u256(tx.value))
        .data(Bytes::from(tx.data.clone()))
        .build_fill();
    let mut evm = Context::mainnet()
        .with_cfg(cfg)
        .with_block(block)
        .with_db(pre_state(case))
        .build_ewasm(Arc::clone(executor));
    // An invalid transaction leaves the pre-state.
    let result = evm.transact(tx).ok().map(|done| {
        evm.ctx.journaled_state.database.commit(done.state);
        done.result
    });
    let world = post_world(&evm.ctx.journaled_state.database, result.as_ref());
    world.state_root() == case.root && world.logs_hash() == case.logs
}

#[test]
fn every_shared_ewasm_vector_gives_hera_s_root_and_logs_on_revm() {
    // Hera filled the vectors with metering off: only the EEI costs gas.
    let executor = Arc::new(Executor::new(ExecConfig::trusted()).expect("an executor"));
    let (mut passed, mut failed) = (0, Vec::new());
    for file in vector_files() {
        let cases = parse_file(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in &cases.cases {
            if passes(case, &executor) {
                passed += 1;
            } else {
                failed.push(format!("{} {:?}", case.name, case.indexes));
            }
        }
    }
    assert!(failed.is_empty(), "{passed} passed, failed: {failed:#?}");
    assert_eq!(passed, 168, "the shared set has 168 cases");
}
