/// How long a test-side wait (a simulated key waiting for its dock, a raw read from the dock
/// socket) lasts before it gives up.
///
/// Long on purpose: the dock is served from a Swift task, and while the whole suite runs in
/// parallel on a two-core machine, synchronous tests can hold every thread of the task pool for
/// more than a minute, so the dock may start answering late. The wait only bounds a hang; no
/// test depends on it running out.
let testPatience: Duration = .seconds(600)
