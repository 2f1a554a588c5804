// Owns the precompiled header that the torch tests reuse; never registered as a test.
int main() { return 0; }
