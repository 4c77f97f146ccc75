BBBB BBBBBBBBBBBBBB BBB gettext(u'Hello,') SSSSSS

 gettext(u'You have a new message about "%(title)s". Read it on the page.') SSS SSSS S SSS SSSSSSS SSSSS SSSSSSSSSSSS SSSS SS SS SSS SSSSS



 X BBBBBBBBBBBBB
