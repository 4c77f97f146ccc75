BBBB BBBBBBBBBBBBBB BBB gettext(u'Hello,') SSSSSS

 gettext(u'Your answer to "%(title)s" was accepted. You can now write to each other on the page.') SSSS SSSSSS SS SSSSSSSSSSS SSS SSSSSSSSS SSS SSS SSS SSSSS SS SSSS SSSSS SS SSS SSSSS



 X BBBBBBBBBBBBB
