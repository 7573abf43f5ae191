/* The golden cases under tests/golden/, one GOLDEN(dir) each (the test
   defines GOLDEN before including this list). */
GOLDEN(basic_invoice)
