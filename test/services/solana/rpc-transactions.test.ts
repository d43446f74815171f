import { describe, expect, it } from "vitest";
import { transfersFromTransaction } from "../../../src/services/solana/rpc-transactions";
import { newAddress, newSignature } from "../../fixtures/solana";
import { rpcTransaction } from "../../fixtures/solana-rpc";

const TIME = Date.UTC(2026, 0, 5, 12, 0, 7);

describe("token transfers of a jsonParsed transaction", () => {
  it("reads transferChecked and plain transfer instructions, outer then inner, with owners and exact amounts", () => {
    const [mint, other, alice, bob, pool] = [newAddress(), newAddress(), newAddress(), newAddress(), newAddress()];
    const signature = newSignature();
    const tx = rpcTransaction({
      signature,
      time: TIME,
      slot: 301_234_567,
      transfers: [
        { mint, from: alice, to: bob, raw: "1500000", decimals: 6, checked: true },
        { mint: other, from: bob, to: pool, raw: "42", decimals: 0, inner: true },
        { mint, from: pool, to: alice, raw: "1", decimals: 6, inner: true },
      ],
    });
    const base = { signature, slot: 301_234_567, time: Math.floor(TIME / 1000) * 1000 };
    expect(transfersFromTransaction(tx, signature)).toEqual([
      { ...base, mint, transfer_index: 0, from: alice, to: bob, amount: "1.5" },
      { ...base, mint: other, transfer_index: 1, from: bob, to: pool, amount: "42" },
      { ...base, mint, transfer_index: 2, from: pool, to: alice, amount: "0.000001" },
    ]);
  });

  it("stores nothing for a failed transaction", () => {
    const tx = rpcTransaction({
      time: TIME,
      err: { InstructionError: [0, { Custom: 1 }] },
      transfers: [{ mint: newAddress(), from: newAddress(), to: newAddress(), raw: "5", decimals: 0, checked: true }],
    });
    expect(transfersFromTransaction(tx, "sig")).toEqual([]);
  });

  it("answers null for a missing or unusable result", () => {
    expect(transfersFromTransaction(null, "sig")).toBeNull();
    const tx = rpcTransaction({ time: TIME, transfers: [] });
    expect(transfersFromTransaction({ ...tx, blockTime: null }, "sig")).toBeNull();
    expect(transfersFromTransaction({ slot: 1 }, "sig")).toBeNull();
  });

  it("skips a plain transfer whose token accounts the balances do not describe, keeping the numbering", () => {
    const mint = newAddress();
    const tx = rpcTransaction({
      time: TIME,
      transfers: [
        { mint, from: newAddress(), to: newAddress(), raw: "7", decimals: 0 },
        { mint, from: newAddress(), to: newAddress(), raw: "9", decimals: 0, checked: true },
      ],
    });
    tx.meta.preTokenBalances = (tx.meta.preTokenBalances as Array<{ accountIndex: number }>).slice(2);
    tx.meta.postTokenBalances = tx.meta.preTokenBalances;
    const found = transfersFromTransaction(tx, "sig");
    expect(found?.map((t) => [t.transfer_index, t.amount])).toEqual([[1, "9"]]);
  });
});
