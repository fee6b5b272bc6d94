/// The read and write paths between a learning rule and the weights it changes.
///
/// ``PlasticityEngine`` never touches `network.parameters` directly: before the passes of a step it
/// lets the device set what the passes read (``prepareRead(_:)``), and every change a rule makes
/// goes through ``write(_:projection:into:)``. A device model (quantized storage, read noise, pulsed
/// or saturating updates, drift — `../shared/HARDWARE.md`) implements these two calls and keeps
/// its own stored state; no rule changes for it.
///
/// Contract: `write` receives the change the optimizer asks for, already shaped like the
/// projection's parameters, and must leave absent synapses (sparse connectivity) at 0.
public protocol SynapseDevice: AnyObject {
    /// Sets the weights the next passes read (the ideal device reads what is stored: nothing to do).
    func prepareRead(_ network: Network)
    /// Applies `change` to `parameters`, the stored weights and biases of `projection`.
    func write(_ change: LayerParameters, projection: Int, into parameters: inout LayerParameters)
}

/// Exact storage: reads return the stored weights, writes add the change exactly (w ← w + Δw).
public final class IdealSynapses: SynapseDevice {
    public init() {}
    public func prepareRead(_ network: Network) {}
    public func write(_ change: LayerParameters, projection: Int, into parameters: inout LayerParameters) {
        parameters.add(change, scaledBy: 1)
    }
}
