import PortvaktProtocol
import ProtocolCrypto
import Testing

@Suite("Permission Merkle tree")
struct MerkleTreeTests {
    let hasher = SodiumProtocolCrypto()

    private func leaves(_ count: Int) -> [[UInt8]] {
        (0..<count).map { [UInt8](repeating: UInt8(truncatingIfNeeded: $0), count: 40) + [UInt8($0 >> 8)] }
    }

    @Test("every leaf of trees from 1 to 70 leaves proves, and only at its own index")
    func allProofs() {
        for count in 1...70 {
            let items = leaves(count)
            let tree = MerkleTree(leaves: items, hasher: hasher)
            for index in 0..<count {
                let proof = tree.proof(for: index)
                #expect(
                    MerkleTree.verify(
                        leaf: items[index], index: index, count: count, siblings: proof, root: tree.root, hasher: hasher
                    ))
                if count > 1 {
                    let other = (index + 1) % count
                    #expect(
                        !MerkleTree.verify(
                            leaf: items[index], index: other, count: count, siblings: proof, root: tree.root,
                            hasher: hasher))
                }
            }
        }
    }

    @Test("a 4,000-leaf tree needs 12 siblings at most, and a proof cannot be padded or shortened")
    func depthAndShape() {
        let items = leaves(4_000)
        let tree = MerkleTree(leaves: items, hasher: hasher)
        let proof = tree.proof(for: 3_999)
        #expect(tree.levels.count == 13)
        #expect((0..<4_000).map { tree.proof(for: $0).count }.max() == ProtocolLimits.maxProofDepth)
        #expect(
            MerkleTree.verify(
                leaf: items[3_999], index: 3_999, count: 4_000, siblings: proof, root: tree.root, hasher: hasher))
        #expect(
            !MerkleTree.verify(
                leaf: items[3_999], index: 3_999, count: 4_000, siblings: proof + [tree.root], root: tree.root,
                hasher: hasher))
        #expect(
            !MerkleTree.verify(
                leaf: items[3_999], index: 3_999, count: 4_000, siblings: proof.dropLast(), root: tree.root,
                hasher: hasher))
        #expect(
            !MerkleTree.verify(
                leaf: items[3_999], index: 3_999, count: 3_999, siblings: proof, root: tree.root, hasher: hasher))
    }

    @Test("an inner node cannot pass as a leaf, thanks to the domain prefixes")
    func secondPreimage() {
        let items = leaves(4)
        let tree = MerkleTree(leaves: items, hasher: hasher)
        let inner = tree.levels[1][0]
        let fakeLeaf = tree.levels[0][0] + tree.levels[0][1]
        #expect(
            !MerkleTree.verify(
                leaf: fakeLeaf, index: 0, count: 2, siblings: [tree.levels[1][1]], root: tree.root, hasher: hasher))
        #expect(inner.count == 32)
        #expect(MerkleTree(leaves: [], hasher: hasher).root == [UInt8](repeating: 0, count: 32))
    }
}
