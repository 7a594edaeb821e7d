/**
 * Remembers how far a stream has delivered, so that an event the peer sends
 * again after a reconnect (a replayed block, a lagging checkpoint) is
 * dropped instead of reaching the handler twice.
 *
 * Events arrive in ledger order: by block, then by position in the block.
 * Fabric records at most one chaincode event per transaction (the last
 * SetEvent wins, peer.ChaincodeAction has one `events` field) and only valid
 * transactions' events are streamed, so within a block the transaction ID
 * names the event; a position counted on the client would not, since a
 * resumed stream starts mid-block. An event is a replay when its block is
 * before the last delivered one, or it is in that block and its transaction
 * was delivered. Memory: the transaction IDs of one block.
 */
export class DeliveredEvents {
  private block: bigint | undefined;
  private readonly inBlock = new Set<string>();
  /** Events below this block precede the stream's start (or checkpoint) and are never delivered. */
  private floor: bigint | undefined;

  /** Sets the first block the stream may deliver (the pinned start or the checkpoint's block). */
  startAt(block: bigint): void {
    this.floor = block;
  }

  isReplay(event: { readonly blockNumber: bigint; readonly transactionId: string }): boolean {
    if (this.floor !== undefined && event.blockNumber < this.floor) return true;
    if (this.block === undefined) return false;
    if (event.blockNumber !== this.block) return event.blockNumber < this.block;
    return this.inBlock.has(event.transactionId);
  }

  /** Records an event the handler has finished with. */
  record(event: { readonly blockNumber: bigint; readonly transactionId: string }): void {
    if (event.blockNumber !== this.block) {
      this.block = event.blockNumber;
      this.inBlock.clear();
    }
    this.inBlock.add(event.transactionId);
  }
}
