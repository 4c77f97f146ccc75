BBBB BBBBBBBBBBBBBB BBB gettext(u'Hello,') SSSSSS

 gettext(u'A neighbour answered "%(title)s". Open the page to read the answer and accept it.') S SSSSSSSSS SSSSSSSS SSSSSSSSSSSS SSSS SSS SSSS SS SSSS SSS SSSSSS SSS SSSSSS SSS



 X BBBBBBBBBBBBB
