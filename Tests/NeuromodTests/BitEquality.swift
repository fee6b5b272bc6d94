/// Bit-level equality of floating-point arrays, for the kernel tests of either precision.

/// Equal bits element by element, or both NaN (for kernels that promise no NaN payload or sign).
func same<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { sameBits($0, $1) || ($0.isNaN && $1.isNaN) }
}

/// Equal bits element by element, NaNs included.
func identical<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { sameBits($0, $1) }
}

/// Whether `x` and `y` have the same bit pattern.
func sameBits<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> Bool {
    withUnsafeBytes(of: x) { a in withUnsafeBytes(of: y) { b in a.elementsEqual(b) } }
}
