//! `uniffi-bindgen`: generates Kotlin, Swift and Python from the built
//! `hearth-ffi` library (library mode), with the same UniFFI version.

fn main() {
    uniffi::uniffi_bindgen_main()
}
