"""Support code for running the bundled webhook handler under real Node.js binaries."""
