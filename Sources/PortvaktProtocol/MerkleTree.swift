/// The Merkle tree over a credential's permission leaves.
///
/// Leaves hash as `H(0x00 || leaf)`, inner nodes as `H(0x01 || left || right)`; the prefixes keep a
/// leaf from ever passing as a node. A node without a sibling moves up unchanged rather than being
/// paired with itself, so no two different leaf lists share a root. A lock checks one leaf with
/// at most ``ProtocolLimits/maxProofDepth`` sibling hashes.
public struct MerkleTree: Sendable {
    /// Every level from the leaf hashes (first) up to the root (last, one element).
    public let levels: [[[UInt8]]]

    /// Builds the tree over encoded leaves.
    public init(leaves: [[UInt8]], hasher: some Hashing) {
        var scratch = [UInt8](repeating: 0, count: 1 + 2 * FieldLength.digest)
        var level = leaves.map { Self.leafHash($0, hasher: hasher) }
        var levels = [level]
        while level.count > 1 {
            var next: [[UInt8]] = []
            next.reserveCapacity((level.count + 1) / 2)
            var index = 0
            while index < level.count {
                if index + 1 < level.count {
                    next.append(Self.nodeHash(level[index], level[index + 1], scratch: &scratch, hasher: hasher))
                } else {
                    next.append(level[index])
                }
                index += 2
            }
            levels.append(next)
            level = next
        }
        self.levels = levels
    }

    /// The root digest; 32 zero bytes for an empty tree, which no proof can reach.
    public var root: [UInt8] {
        levels.last?.first ?? [UInt8](repeating: 0, count: FieldLength.digest)
    }

    /// The sibling hashes from leaf `index` up to the root.
    ///
    /// - Precondition: `index` is a valid leaf index.
    public func proof(for index: Int) -> [[UInt8]] {
        precondition(index >= 0 && index < levels[0].count, "leaf index out of range")
        var siblings: [[UInt8]] = []
        var position = index
        for level in levels.dropLast() {
            let sibling = position ^ 1
            if sibling < level.count { siblings.append(level[sibling]) }
            position /= 2
        }
        return siblings
    }

    /// Checks that `leaf` at `index` of a `count`-leaf tree leads to `root` through `siblings`.
    ///
    /// The tree's shape follows from the signed `count`, so a proof with too many or too few
    /// siblings fails rather than being reinterpreted. Costs one hash per sibling plus one.
    public static func verify(
        leaf: [UInt8], index: Int, count: Int, siblings: [[UInt8]], root: [UInt8], hasher: some Hashing
    ) -> Bool {
        guard index >= 0, index < count, siblings.count <= ProtocolLimits.maxProofDepth else { return false }
        var scratch = [UInt8](repeating: 0, count: 1 + 2 * FieldLength.digest)
        var hash = leafHash(leaf, hasher: hasher)
        var position = index
        var width = count
        var used = 0
        while width > 1 {
            let hasSibling = position % 2 == 1 || position + 1 < width
            if hasSibling {
                guard used < siblings.count, siblings[used].count == FieldLength.digest else { return false }
                hash =
                    position % 2 == 1
                    ? nodeHash(siblings[used], hash, scratch: &scratch, hasher: hasher)
                    : nodeHash(hash, siblings[used], scratch: &scratch, hasher: hasher)
                used += 1
            }
            position /= 2
            width = (width + 1) / 2
        }
        return used == siblings.count && hash == root
    }

    /// `H(0x00 || leaf)`.
    public static func leafHash(_ leaf: [UInt8], hasher: some Hashing) -> [UInt8] {
        var input = [UInt8](repeating: Domain.merkleLeaf, count: 1)
        input.append(contentsOf: leaf)
        return hasher.hash(input)
    }

    private static func nodeHash(
        _ left: [UInt8], _ right: [UInt8], scratch: inout [UInt8], hasher: some Hashing
    ) -> [UInt8] {
        scratch[0] = Domain.merkleNode
        for index in 0..<FieldLength.digest {
            scratch[1 + index] = left[index]
            scratch[1 + FieldLength.digest + index] = right[index]
        }
        return scratch.withUnsafeBytes { hasher.hash($0) }
    }
}
