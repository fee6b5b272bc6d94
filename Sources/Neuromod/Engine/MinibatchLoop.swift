/// A learner that updates on one minibatch at a time: a local rule's ``PlasticityEngine``, or the
/// backprop reference.
public protocol MinibatchLearner {
    /// Updates on one minibatch (`[instances × inputs]`, `[instances × outputs]`); returns the loss
    /// of the pass the update was computed from.
    func step(input: Matrix, target: Matrix) throws -> Double
}

extension PlasticityEngine: MinibatchLearner {}

/// The engine's loop on a dataset: epochs of minibatches in a fresh random order each epoch.
///
/// Epoch e draws a permutation of the `rows` rows from `order` (one draw per epoch, whatever the
/// learner), cuts it into minibatches of `batchSize` (the last may be smaller), and for each: fills
/// the input and target through the feed, lets `before` look at the batch (e.g. its clean loss
/// before the update), steps the learner, and reports the step. A hook returns
/// ``Control/stop`` to end the loop early (a diverged run). Buffers are reused across steps.
public struct MinibatchLoop {
    public enum Control: Sendable { case proceed, stop }

    /// One minibatch update, as reported.
    public struct Step: Sendable {
        /// From 1.
        public var epoch: Int
        /// Updates so far in the whole loop, this one included (from 1).
        public var step: Int
        /// The loss the learner returned (its probed or noisy pass's).
        public var learnerLoss: Double
        /// What `before` measured on the batch before the update (nil without `before`).
        public var measured: Double?

        /// A step as the loop reports it (for a user's own learner or hook tests).
        public init(epoch: Int, step: Int, learnerLoss: Double, measured: Double?) {
            self.epoch = epoch
            self.step = step
            self.learnerLoss = learnerLoss
            self.measured = measured
        }
    }

    public var rows: Int
    public var batchSize: Int
    public var epochs: Int
    /// The stream each epoch's order is drawn from.
    public let order: RandomGenerator

    public init(rows: Int, batchSize: Int, epochs: Int, order: RandomGenerator) {
        precondition(rows > 0 && batchSize > 0 && epochs > 0, "a loop needs rows, a batch size and epochs")
        self.rows = rows
        self.batchSize = batchSize
        self.epochs = epochs
        self.order = order
    }

    /// Runs the loop. `feed` fills `input` and `target` (already sized) with the listed rows.
    public func run(learner: any MinibatchLearner, inputColumns: Int, targetColumns: Int,
                    feed: (ArraySlice<Int>, inout Matrix, inout Matrix) -> Void,
                    before: ((Matrix, Matrix) -> Double)? = nil,
                    onStep: (Step) throws -> Control, onEpoch: (Int) throws -> Control) throws {
        let first = min(batchSize, rows)
        var input = Matrix(rows: first, cols: inputColumns), target = Matrix(rows: first, cols: targetColumns)
        var step = 0
        for epoch in 1...epochs {
            let permutation = order.permutation(rows)
            for start in stride(from: 0, to: rows, by: batchSize) {
                let indices = permutation[start..<min(start + batchSize, rows)]
                if input.rows != indices.count {
                    input = Matrix(rows: indices.count, cols: inputColumns)
                    target = Matrix(rows: indices.count, cols: targetColumns)
                }
                feed(indices, &input, &target)
                step += 1
                let measured = before?(input, target)
                let loss = try learner.step(input: input, target: target)
                if try onStep(Step(epoch: epoch, step: step, learnerLoss: loss, measured: measured)) == .stop { return }
            }
            if try onEpoch(epoch) == .stop { return }
        }
    }
}
